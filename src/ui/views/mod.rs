//! The views of the central panel. Each is a small type that keeps its own state and draws
//! from the [`Ctx`]; the figures they show are built by [`crate::figure::builders`].

pub mod boundary;
pub mod curves;
pub mod edit_points;
pub mod loss;
pub mod path;
pub mod pca;
pub mod regression;
pub mod scatter;
pub mod shrinkage;
pub mod table;
pub mod train;

use egui::RichText;

use crate::estimators::{Fitted, ModelKind};
use crate::state::Prepared;
use crate::ui::{Ctx, View, Views, theme};

/// The Model tab: the axis choice and the busy and error lines, then the view of the fitted
/// family (decision boundary, regression diagnostics or principal axes).
pub fn model_tab_ui(ui: &mut egui::Ui, views: &mut Views, cx: &mut Ctx<'_>) {
    let current = match cx.data_view().map(|d| &d.prepared) {
        Some(Ok(p)) => p.clone(),
        Some(Err(e)) => {
            ui.label(RichText::new(format!("No dataset to fit: {e}")).color(theme::ERROR));
            return;
        }
        None => {
            ui.centered_and_justified(|ui| ui.spinner());
            return;
        }
    };
    let busy = cx.model.is_busy();
    ui.horizontal_wrapped(|ui| {
        // A regression's views are about every feature: no plane to choose.
        if cx.settings.model.spec.kind != ModelKind::ElasticNet {
            feature_axis_combos(ui, cx, &current);
        }
        if busy {
            ui.spinner()
                .on_hover_text("Computing; the last result stays on screen");
            // Always there while busy (empty until the solver reports), so that Cancel does
            // not jump aside under the hand when the first progress arrives.
            ui.add(egui::ProgressBar::new(cx.model.fraction().unwrap_or(0.0)).desired_width(80.0));
            if ui
                .small_button("Cancel")
                .on_hover_text("Stop this fit; the last picture stays")
                .clicked()
            {
                cx.commands.push(crate::state::Command::CancelModel);
            }
        } else if cx.model.cancelled
            && ui
                .small_button("Fit again")
                .on_hover_text("The last fit was cancelled: run it again")
                .clicked()
        {
            cx.commands.push(crate::state::Command::RestartModel);
        }
        if cx.model.result.as_ref().is_some_and(|v| v.coarse) {
            ui.label(RichText::new("coarse while dragging").weak());
        }
    });
    let error = cx.model_error();
    if let Some(err) = &error {
        ui.label(RichText::new(err).color(theme::ERROR));
    }
    let Some(view) = cx.model.result.clone() else {
        if busy {
            ui.centered_and_justified(|ui| ui.spinner());
        }
        return;
    };
    // Never another model's picture as if it were this one's: a result of another family is
    // not drawn; one of earlier settings of this family is drawn greyed and says so.
    match shown_as(&view, cx) {
        Showing::Other => {
            if busy && error.is_none() {
                ui.centered_and_justified(|ui| ui.spinner());
            }
            return;
        }
        Showing::Stale => {
            let why = if error.is_some() {
                "the last result that could be fitted, from earlier settings"
            } else if cx.model.cancelled && !busy {
                "fit cancelled: the last result, from earlier settings"
            } else {
                "updating… (the previous result meanwhile)"
            };
            ui.label(RichText::new(why).color(theme::WARNING));
            ui.multiply_opacity(0.45);
        }
        Showing::Current => {}
    }
    match &view.result.fitted {
        Fitted::Svm(_) | Fitted::Logistic(_) => views.boundary.ui(ui, cx),
        Fitted::ElasticNet(_) => views.regression.ui(ui, cx),
        Fitted::Pca(_) => views.pca.ui(ui, cx),
    }
}

/// How the model result on screen relates to what the settings ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Showing {
    /// Computed from the current settings.
    Current,
    /// The same estimator, from earlier settings (a newer result is coming, or failed).
    Stale,
    /// Another estimator's result, or one fitted on other data: not to be drawn.
    Other,
}

/// Whether `view` is the current result, an older one of the same estimator, or another's.
pub fn shown_as(view: &crate::state::ModelView, cx: &Ctx<'_>) -> Showing {
    let same_data = cx
        .prepared()
        .is_some_and(|p| std::sync::Arc::ptr_eq(&p, &view.prepared));
    // Points being edited: the picture of a moment ago (same columns, a point more, less or
    // moved) stays as it is until the refit replaces it, so that a dragged point stays in hand.
    let edited_points = matches!(cx.settings.source, crate::data::Source::Points(_))
        && view.spec.kind == cx.settings.model.spec.kind
        && view.asked == cx.settings.model.spec
        && cx.model.error.is_none()
        && cx.prepared().is_some_and(|p| {
            p.dataset.feature_names == view.prepared.dataset.feature_names
                && p.dataset.target_name == view.prepared.dataset.target_name
        });
    if edited_points && !same_data {
        Showing::Current
    } else if view.spec.kind != cx.settings.model.spec.kind || !same_data {
        Showing::Other
    } else if view.asked == cx.settings.model.spec && same_data && cx.param_error.is_none() {
        // (Only the map's resolution may differ: coarse while dragging, refined after.)
        Showing::Current
    } else {
        Showing::Stale
    }
}

/// Combo boxes choosing the two features of a model view's plane.
pub fn feature_axis_combos(ui: &mut egui::Ui, cx: &mut Ctx<'_>, p: &Prepared) {
    let names = &p.dataset.feature_names;
    let view = &mut cx.settings.view;
    let (mut xa, mut ya) = p.feature_axes(view.x_feature.as_deref(), view.y_feature.as_deref());
    axis_combo(ui, "x axis", names, &mut xa);
    axis_combo(ui, "y axis", names, &mut ya);
    view.x_feature = Some(names[xa].clone());
    view.y_feature = Some(names[ya].clone());
}

/// A combo box over many options (virtual scrolling for wide files).
pub fn axis_combo(ui: &mut egui::Ui, label: &str, options: &[String], selected: &mut usize) {
    egui::ComboBox::from_label(label)
        .selected_text(options[*selected].as_str())
        .show_ui(ui, |ui| {
            egui::ScrollArea::vertical().max_height(300.0).show_rows(
                ui,
                18.0,
                options.len(),
                |ui, range| {
                    for i in range {
                        ui.selectable_value(selected, i, options[i].as_str());
                    }
                },
            );
        });
}
