//! The loss view: how the current fit's training objective fell, iteration by iteration,
//! drawn while the solver runs (streamed from the loss slot), with the held-out loss or the
//! SVM's KKT gap beside it.

use egui::RichText;

use crate::figure::builders::loss_figures;
use crate::state::Command;
use crate::ui::figure::figure_ui;
use crate::ui::{Ctx, View, fmt_num, theme};

#[derive(Default)]
pub struct LossView;

impl View for LossView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
        let running = cx.loss.is_busy();
        // While the solver runs, its newest partial curve; then the finished one.
        let curve = cx.loss.partial.clone().or_else(|| cx.loss.result.clone());
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(&mut cx.settings.view.loss_log_y, "log scale")
                .on_hover_text("Logarithmic vertical axes (values ≤ 0 are not drawn)");
            if running {
                ui.spinner();
                if ui
                    .button("Cancel")
                    .on_hover_text("Stop the solver; the curve so far stays")
                    .clicked()
                {
                    cx.commands.push(Command::CancelLoss);
                }
            }
            if cx.loss.cancelled
                && !running
                && ui
                    .button("Run again")
                    .on_hover_text("Compute the curve again from the start")
                    .clicked()
            {
                cx.commands.push(Command::RestartLoss);
            }
            if let Some(c) = &curve {
                let n = c.iterations.last().copied().unwrap_or(0.0);
                let last = c.train.last().copied().unwrap_or(f64::NAN);
                let state = match (c.done, c.converged) {
                    (false, _) if cx.loss.cancelled => "cancelled".to_string(),
                    (false, _) => "running…".to_string(),
                    (true, Some(true)) => "converged".to_string(),
                    (true, _) => "stopped at max_iter: not converged".to_string(),
                };
                ui.label(format!(
                    "{} {}: objective {} — {state}",
                    c.what,
                    fmt_num(n),
                    fmt_num(last)
                ));
            }
        });
        if let Some(err) = cx.model_error().or_else(|| cx.loss.error_text()) {
            ui.label(RichText::new(err).color(theme::ERROR));
        }
        let Some(curve) = curve else {
            if running {
                ui.centered_and_justified(|ui| ui.spinner());
            }
            return;
        };
        if !cx.loss.current && !running {
            ui.label(RichText::new("from earlier settings").color(theme::WARNING));
        }
        ui.label(RichText::new(&curve.how).weak());
        let figures = loss_figures(&curve, cx.settings.view.loss_log_y);
        let height = ui.available_height();
        let (first, rest) = figures.split_first().expect("a training curve");
        let plot = crate::ui::plot(ui, &first.id).height(if rest.is_empty() {
            height
        } else {
            height * 0.55
        });
        figure_ui(ui, first, plot, |_| {}, |_| {});
        if !rest.is_empty() {
            ui.columns(rest.len(), |cols| {
                for (col, fig) in cols.iter_mut().zip(rest) {
                    let plot = crate::ui::plot(col, &fig.id);
                    figure_ui(col, fig, plot, |_| {}, |_| {});
                }
            });
        }
    }
}
