//! The left panel: data source, column roles, split and scaling.

use egui::RichText;

use crate::data::builtin::{Builtin, MAX_GENERATED, RealDataset};
use crate::data::dataset::TaskChoice;
use crate::data::generate::Generator;
use crate::data::{ColumnData, Source};
use crate::state::Command;
use crate::ui::Ctx;
use crate::ui::theme;

pub fn data_panel_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    source_ui(ui, cx);
    ui.separator();
    columns_ui(ui, cx);
    ui.separator();
    split_ui(ui, cx);
}

fn source_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    ui.heading("Data");
    let current = cx.settings.source.label();
    egui::ComboBox::from_label("Dataset")
        .selected_text(&current)
        .width((ui.available_width() - 70.0).clamp(100.0, 170.0))
        .show_ui(ui, |ui| {
            for r in RealDataset::ALL {
                if ui
                    .selectable_label(current == r.name(), r.name())
                    .on_hover_text(r.description())
                    .clicked()
                {
                    cx.commands.push(Command::OpenBuiltin(Builtin::Real(r)));
                }
            }
            ui.separator();
            for g in Generator::ALL {
                if ui
                    .selectable_label(current == g.name(), g.name())
                    .on_hover_text(g.description())
                    .clicked()
                {
                    cx.commands
                        .push(Command::OpenBuiltin(Builtin::generated(g)));
                }
            }
        })
        .response
        .on_hover_text(
            "A built-in dataset: three real ones, and seeded generators of teaching data",
        );

    if let Source::Builtin(Builtin::Generated {
        kind,
        n,
        noise,
        seed,
    }) = &mut cx.settings.source
    {
        let max_noise = if *kind == Generator::Blobs { 4.0 } else { 1.0 };
        ui.add(
            egui::Slider::new(n, 20..=MAX_GENERATED.min(100_000))
                .logarithmic(true)
                .text("samples"),
        )
        .on_hover_text(
            "Number of points m. Bias stays, variance shrinks as m grows (consistency).",
        );
        ui.add(egui::Slider::new(noise, 0.0..=max_noise).text("noise"))
            .on_hover_text("Standard deviation σ of the Gaussian jitter added to every point");
        ui.horizontal(|ui| {
            ui.add(egui::DragValue::new(seed).range(0..=u64::MAX))
                .on_hover_text("Same seed, same points: every generator is deterministic");
            ui.label("data seed");
        });
    }

    ui.horizontal(|ui| {
        if ui
            .button("Open…")
            .on_hover_text("Open a CSV or TSV file of your own (Ctrl+O), or drop one on the window")
            .clicked()
        {
            cx.commands.push(Command::ShowOpenDialog);
        }
        match &cx.settings.source {
            Source::File(path) => {
                ui.label(RichText::new(path.display().to_string()).small())
                    .on_hover_text("The file on screen: it is only ever read");
            }
            Source::Points(p) => {
                ui.label(
                    RichText::new(format!("✏ {} points edited from {}", p.len(), p.from)).small(),
                )
                .on_hover_text(
                    "A copy of two columns and the class, edited on the decision map; kept \
                     with the settings and in saved sessions. Ctrl+Z steps back through the \
                     edits; choosing a dataset or file leaves it.",
                );
            }
            Source::Builtin(_) => {}
        }
    });
    if !cx.settings.recent_files.is_empty() {
        egui::CollapsingHeader::new("Recent files")
            .default_open(false)
            .show(ui, |ui| {
                for path in cx.settings.recent_files.clone() {
                    let name = path.file_name().map_or_else(
                        || path.display().to_string(),
                        |f| f.to_string_lossy().into_owned(),
                    );
                    let exists = path.exists();
                    let text = if exists {
                        RichText::new(name)
                    } else {
                        RichText::new(format!("{name} (missing)")).weak()
                    };
                    let response = ui
                        .add_enabled(exists, egui::Button::new(text).frame(false))
                        .on_hover_text(path.display().to_string())
                        .on_disabled_hover_text(format!("{} is no longer there", path.display()));
                    if response.clicked() {
                        cx.commands.push(Command::OpenFile(path.clone()));
                    }
                }
            });
    }
}

fn columns_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    ui.heading("Columns");
    let Some(view) = cx.data.result.clone() else {
        ui.label("Reading…");
        return;
    };
    let table = view.table.clone();
    let target_index = crate::data::dataset::target_index(&table, &cx.settings.roles).ok();
    let target_name = target_index.map_or("—".to_string(), |t| table.columns[t].name.clone());

    let roles = &mut cx.settings.roles;
    egui::ComboBox::from_label("Target")
        .selected_text(&target_name)
        .width((ui.available_width() - 70.0).clamp(100.0, 170.0))
        .show_ui(ui, |ui| {
            egui::ScrollArea::vertical().max_height(300.0).show_rows(
                ui,
                18.0,
                table.columns.len(),
                |ui, range| {
                    for c in &table.columns[range] {
                        if ui
                            .selectable_label(c.name == target_name, &c.name)
                            .clicked()
                        {
                            roles.target = Some(c.name.clone());
                            roles.excluded.remove(&c.name);
                        }
                    }
                },
            );
        })
        .response
        .on_hover_text("The column to predict; every other numeric column can be a feature");
    ui.horizontal(|ui| {
        ui.label("as");
        ui.selectable_value(&mut roles.task, TaskChoice::Auto, "auto")
            .on_hover_text(
                "Text, or at most 20 distinct whole numbers: classes. Otherwise regression.",
            );
        ui.selectable_value(&mut roles.task, TaskChoice::Classification, "classes");
        ui.selectable_value(&mut roles.task, TaskChoice::Regression, "regression");
    });

    let n_features = table.columns.len().saturating_sub(1);
    ui.label(format!("Features ({n_features} columns)"));
    ui.horizontal(|ui| {
        if ui.small_button("all").clicked() {
            roles.excluded.clear();
        }
        if ui.small_button("none").clicked() {
            roles.excluded = table
                .columns
                .iter()
                .filter(|c| c.name != target_name)
                .map(|c| c.name.clone())
                .collect();
        }
    });
    egui::ScrollArea::vertical()
        .id_salt("feature_list")
        .max_height(220.0)
        .show_rows(ui, 20.0, table.columns.len(), |ui, range| {
            for c in &table.columns[range] {
                if c.name == target_name {
                    ui.label(RichText::new(format!("◎ {} (target)", c.name)).strong());
                    continue;
                }
                match &c.data {
                    ColumnData::Numeric(_) => {
                        let mut on = !roles.excluded.contains(&c.name);
                        if ui.checkbox(&mut on, &c.name).changed() {
                            if on {
                                roles.excluded.remove(&c.name);
                            } else {
                                roles.excluded.insert(c.name.clone());
                            }
                        }
                    }
                    ColumnData::Text { first_non_numeric, .. } => {
                        let why = match first_non_numeric {
                            Some((line, cell)) => format!("Not numeric: '{cell}' on line {line}. Text columns can be the target, not features."),
                            None => "Text column: it can be the target, not a feature.".to_string(),
                        };
                        ui.add_enabled(false, egui::Checkbox::new(&mut false, &c.name))
                            .on_disabled_hover_text(why);
                    }
                }
            }
        });
    if let Err(e) = &view.prepared {
        ui.label(RichText::new(e).color(theme::ERROR));
    }
    for note in &view.table.notes {
        ui.label(RichText::new(note).small().color(theme::WARNING));
    }
}

fn split_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    ui.heading("Split & scaling");
    let prep = &mut cx.settings.prep;
    ui.add(
        egui::Slider::new(&mut prep.test_fraction, 0.0..=0.9)
            .text("test share")
            .fixed_decimals(2),
    )
    .on_hover_text(
        "Share of rows held out to measure generalisation: test error estimates the expected error on new data. 0 trains on every row.",
    );
    ui.horizontal(|ui| {
        ui.add(egui::DragValue::new(&mut prep.seed).range(0..=u64::MAX))
            .on_hover_text("Seed of the shuffle: the same seed gives the same split");
        ui.label("split seed");
    });
    ui.checkbox(&mut prep.stratify, "stratify by class")
        .on_hover_text("Keep each class's share the same in train and test (classification only)");
    ui.checkbox(&mut prep.standardize, "standardise features")
        .on_hover_text("z = (x − μ) / σ, with μ and the population σ of the training rows only, so no test information leaks into the fit");
}
