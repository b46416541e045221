//! Regression diagnostics: predicted against actual, residuals, and the coefficients.

use crate::estimators::Fitted;
use crate::figure::builders::{coefficient_figure, regression_figures};
use crate::ui::figure::figure_ui;
use crate::ui::{Ctx, View};

#[derive(Default)]
pub struct RegressionView;

impl View for RegressionView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
        let Some(view) = cx.model.result.clone() else {
            return;
        };
        let (p, result) = (&view.prepared, &view.result);
        let Fitted::ElasticNet(model) = &result.fitted else {
            return;
        };
        let Some((fitted, residuals)) = regression_figures(p, result) else {
            return;
        };
        let height = ui.available_height();
        ui.columns(2, |cols| {
            for (col, fig) in cols.iter_mut().zip([&fitted, &residuals]) {
                col.label(&fig.title);
                let plot = crate::ui::plot(col, &fig.id).height(height * 0.55);
                figure_ui(col, fig, plot, |_| {}, |_| {});
            }
        });
        ui.label(format!(
            "Coefficients ({} of {} non-zero) — in the {} space the model was fitted in",
            model.n_nonzero(),
            model.coef().len(),
            if result.scaler.std.iter().all(|&s| s == 1.0)
                && result.scaler.mean.iter().all(|&m| m == 0.0)
            {
                "raw"
            } else {
                "standardised"
            }
        ));
        if let Some(fig) = coefficient_figure(p, result) {
            let plot = crate::ui::plot(ui, &fig.id);
            figure_ui(ui, &fig, plot, |_| {}, |_| {});
        }
    }
}
