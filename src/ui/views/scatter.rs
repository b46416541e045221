//! The scatter view: two columns against each other, coloured by class or by target value.
//! Training rows are filled dots, test rows rings.

use egui::RichText;

use crate::figure::builders::scatter_figure;
use crate::ui::figure::figure_ui;
use crate::ui::views::axis_combo;
use crate::ui::{Ctx, View, fmt_num, theme};

#[derive(Default)]
pub struct ScatterView;

impl View for ScatterView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
        let Some(data) = cx.data_view() else {
            ui.centered_and_justified(|ui| ui.spinner());
            return;
        };
        let prepared = match &data.prepared {
            Ok(p) => p.clone(),
            Err(e) => {
                let text = format!("No dataset to draw: {e}");
                ui.centered_and_justified(|ui| ui.label(RichText::new(text).color(theme::ERROR)));
                return;
            }
        };
        let options = prepared.axis_options();
        let view = &mut cx.settings.view;
        let (mut xa, mut ya) =
            prepared.chosen_axes(view.x_feature.as_deref(), view.y_feature.as_deref());
        ui.horizontal_wrapped(|ui| {
            axis_combo(ui, "x axis", &options, &mut xa);
            axis_combo(ui, "y axis", &options, &mut ya);
            let n = prepared.dataset.n_rows();
            if prepared.drawn_rows.len() < n {
                ui.label(
                    RichText::new(format!(
                        "showing a random {} of {} rows",
                        prepared.drawn_rows.len(),
                        n
                    ))
                    .weak(),
                );
            }
            ui.label(RichText::new("● train  ○ test").weak())
                .on_hover_text("Filled dots are training rows, rings are held-out test rows");
        });
        view.x_feature = Some(options[xa].clone());
        view.y_feature = Some(options[ya].clone());

        let fig = scatter_figure(&prepared, xa, ya);
        let (x_name, y_name) = (options[xa].clone(), options[ya].clone());
        let plot = crate::ui::plot(ui, &fig.id).label_formatter(move |pos| match pos {
            egui_plot::HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!(
                "{plot_name}\n{x_name} = {}\n{y_name} = {}",
                fmt_num(position.x),
                fmt_num(position.y)
            )),
            egui_plot::HoverPosition::Elsewhere { position } => {
                Some(format!("{} , {}", fmt_num(position.x), fmt_num(position.y)))
            }
        });
        figure_ui(ui, &fig, plot, |_| {}, |_| {});
    }
}
