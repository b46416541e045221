//! The table view: per-column statistics, or the rows themselves with virtual scrolling.

use egui::RichText;
use egui_extras::{Column, TableBuilder};

use crate::data::ColumnData;
use crate::state::TableMode;
use crate::ui::fmt_num;
use crate::ui::{Ctx, View};

/// Columns shown at once in the rows table; wide files page through them.
const COLUMNS_PER_PAGE: usize = 30;

#[derive(Default)]
pub struct TableView;

impl View for TableView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
        table_ui(ui, cx);
    }
}

fn table_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    let Some(view) = cx.data.result.clone() else {
        ui.centered_and_justified(|ui| ui.spinner());
        return;
    };
    let table = view.table.clone();
    let stats = view.stats.clone();
    let target = crate::data::dataset::target_index(&table, &cx.settings.roles).ok();
    let excluded = cx.settings.roles.excluded.clone();
    let settings = &mut cx.settings.view;
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(
            &mut settings.table_mode,
            TableMode::Columns,
            "Column statistics",
        );
        ui.selectable_value(&mut settings.table_mode, TableMode::Rows, "Rows");
        ui.label(
            RichText::new(format!(
                "{}: {} rows × {} columns",
                table.name,
                table.n_rows,
                table.columns.len()
            ))
            .weak(),
        );
        if let Some(f) = &table.format {
            let delim = match f.delimiter {
                '\t' => "tab".to_string(),
                c => format!("'{c}'"),
            };
            ui.label(
                RichText::new(format!(
                    "· delimiter {delim}, {}",
                    if f.has_header {
                        "header row"
                    } else {
                        "no header"
                    }
                ))
                .weak(),
            );
        }
    });
    ui.separator();
    match settings.table_mode {
        TableMode::Columns => {
            TableBuilder::new(ui)
                .id_salt("column_stats")
                .striped(true)
                .resizable(true)
                .column(Column::auto().at_least(120.0))
                .columns(Column::auto().at_least(70.0), 7)
                .header(22.0, |mut h| {
                    for title in [
                        "column", "type", "missing", "mean", "std", "min", "max", "role",
                    ] {
                        h.col(|ui| {
                            ui.strong(title);
                        });
                    }
                })
                .body(|body| {
                    body.rows(20.0, stats.len(), |mut row| {
                        let j = row.index();
                        let s = &stats[j];
                        let cell = |x: Option<f64>| x.map_or("—".to_string(), fmt_num);
                        let role = if Some(j) == target {
                            "target"
                        } else if !s.numeric {
                            "excluded (text)"
                        } else if excluded.contains(&s.name) {
                            "off"
                        } else {
                            "feature"
                        };
                        let kind = if s.numeric {
                            "number".to_string()
                        } else {
                            format!("text ({} values)", s.distinct.unwrap_or(0))
                        };
                        for text in [
                            s.name.clone(),
                            kind,
                            s.missing.to_string(),
                            cell(s.mean),
                            cell(s.std),
                            cell(s.min),
                            cell(s.max),
                            role.to_string(),
                        ] {
                            row.col(|ui| {
                                ui.label(text);
                            });
                        }
                    });
                });
        }
        TableMode::Rows => {
            let n_cols = table.columns.len();
            if n_cols > COLUMNS_PER_PAGE {
                ui.horizontal(|ui| {
                    ui.add(
                        egui::Slider::new(
                            &mut settings.first_column,
                            0..=n_cols - COLUMNS_PER_PAGE,
                        )
                        .text("first column"),
                    )
                    .on_hover_text("Wide file: page through its columns");
                });
            }
            let first = settings.first_column.min(n_cols.saturating_sub(1));
            let shown: Vec<usize> = (first..n_cols).take(COLUMNS_PER_PAGE).collect();
            egui::ScrollArea::horizontal().show(ui, |ui| {
                TableBuilder::new(ui)
                    .id_salt("rows")
                    .striped(true)
                    .column(Column::exact(60.0))
                    .columns(Column::auto().at_least(70.0), shown.len())
                    .header(22.0, |mut h| {
                        h.col(|ui| {
                            ui.strong("line");
                        });
                        for &j in &shown {
                            h.col(|ui| {
                                ui.strong(&table.columns[j].name);
                            });
                        }
                    })
                    .body(|body| {
                        let header_lines =
                            usize::from(table.format.as_ref().is_some_and(|f| f.has_header));
                        body.rows(20.0, table.n_rows, |mut row| {
                            let i = row.index();
                            row.col(|ui| {
                                ui.label(RichText::new((i + 1 + header_lines).to_string()).weak());
                            });
                            for &j in &shown {
                                row.col(|ui| match &table.columns[j].data {
                                    ColumnData::Numeric(v) => {
                                        ui.label(if v[i].is_finite() {
                                            fmt_num(v[i])
                                        } else {
                                            "missing".into()
                                        });
                                    }
                                    ColumnData::Text { values, .. } => {
                                        ui.label(values[i].as_deref().unwrap_or("missing"));
                                    }
                                });
                            }
                        });
                    });
            });
        }
    }
}
