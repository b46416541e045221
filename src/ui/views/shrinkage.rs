//! L2 shrinkage, on the Curves tab: along each eigen-direction vᵢ of XᵀX/n the ridge
//! coefficient is least squares' one times λᵢ/(λᵢ + α(1 − ρ)). The curves are that formula;
//! the dots are what the fitted model does (measured by fits at a few α). The α marker moves
//! with the slider and can be dragged.

use egui::RichText;

use crate::estimators::ModelKind;
use crate::figure::builders::{fmt_num, shrinkage_figure};
use crate::ui::figure::{alpha_hover, pick_x_ui};
use crate::ui::{Ctx, theme};

pub const SHRINKAGE_TIP: &str = "Ridge: w(α) = (XᵀX/n + αI)⁻¹Xᵀy/n. Along the eigen-directions vᵢ \
of XᵀX/n (eigenvalues λᵢ, the variance of the data along vᵢ) this is least squares' answer \
times λᵢ/(λᵢ + α): directions of large variance are kept, those of small variance shrunk to 0. \
Σ λᵢ/(λᵢ + α) is the effective number of parameters. With an L1 part (l1_ratio ρ > 0) the \
weight is α(1 − ρ) and the fitted dots fall off the curves: the lasso does not shrink \
proportionally, it sets coefficients to 0.";

/// The view (one of the Curves tab's).
pub fn shrinkage_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    if cx.settings.model.spec.kind != ModelKind::ElasticNet {
        ui.label(
            "Shrinkage is drawn for regression: choose the elastic net (ridge, lasso) and a \
             numeric target.",
        );
        return;
    }
    let shown = cx.shrinkage;
    ui.horizontal(|ui| super::curves::slot_bar_ui(ui, shown, cx.commands));
    if let Some(e) = shown.error_text() {
        ui.label(RichText::new(e).color(theme::ERROR));
    }
    if shown.result.is_some() && !shown.current && !shown.is_busy() {
        ui.label(RichText::new("from earlier settings").color(theme::WARNING));
    }
    let Some(s) = shown.partial.clone().or_else(|| shown.result.clone()) else {
        return;
    };
    let alpha = cx.settings.model.spec.elastic_net.alpha;
    let p = s.eigenvalues.len();
    let mut summary = format!(
        "At α = {}: effective parameters Σ λᵢ/(λᵢ + α(1 − ρ)) = {} of {p}",
        fmt_num(alpha),
        fmt_num(s.degrees_of_freedom(alpha))
    );
    if s.drawn.len() < p {
        summary += &format!(
            " · drawn: the {} largest and {} smallest of {p} directions",
            s.drawn.len() / 2,
            s.drawn.len() - s.drawn.len() / 2
        );
    }
    ui.label(summary).on_hover_text(SHRINKAGE_TIP);
    let fig = shrinkage_figure(&s, alpha);
    let plot = crate::ui::plot(ui, &fig.id)
        .height(ui.available_height() - 24.0)
        .label_formatter(|pos| alpha_hover(pos, "factor "));
    if let Some(a) = pick_x_ui(ui, &fig, plot).filter(|a| *a > 0.0) {
        cx.settings.model.spec.elastic_net.alpha = a;
    }
    let note = if s.l1_ratio > 0.0 {
        "Curves: the formula for the L2 part; dots: the fitted model. With l1_ratio > 0 the dots \
         leave the curves (L1 sets coefficients to 0)."
    } else {
        "Curves: the formula λᵢ/(λᵢ + α); dots: the fitted ridge model, on them."
    };
    ui.label(RichText::new(note).weak());
}
