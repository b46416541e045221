//! The decision boundary of a classifier: the decision map's shading (class probability or
//! decision value), the boundary and margins, the data and the support vectors.

use egui_plot::{PlotImage, PlotPoint};

use crate::analysis::live::MapKind;
use crate::figure::builders::boundary_figure;
use crate::ui::figure::figure_ui;
use crate::ui::views::edit_points::{PointEditor, editable};
use crate::ui::{Ctx, View, theme};

/// Keeps the decision map's texture, coloured once per model result.
#[derive(Default)]
pub struct BoundaryView {
    texture: Option<egui::TextureHandle>,
    /// The model result (its slot generation) the texture was coloured from, and the theme.
    coloured_from: Option<(u64, bool)>,
    editor: PointEditor,
}

impl BoundaryView {
    pub fn has_texture(&self) -> bool {
        self.texture.is_some()
    }
}

impl View for BoundaryView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
        let Self {
            texture,
            coloured_from,
            editor,
        } = self;
        let Some(view) = cx.model.result.clone() else {
            return;
        };
        let editing =
            editable(&view.prepared, view.axes) && editor.toolbar_ui(ui, cx, &view.prepared);
        let points_source = matches!(cx.settings.source, crate::data::Source::Points(_));
        let edit_class = cx.settings.view.edit_class;
        let current = cx.model.current && !cx.data.is_busy();
        let generation = cx.model.generation;
        if let Some(map) = &view.result.map
            && *coloured_from != Some((generation, theme::is_light()))
        {
            let image = theme::map_image(
                map.values.view(),
                map.spec.nx,
                map.spec.ny,
                map.kind == MapKind::Probability,
            );
            match texture {
                Some(t) => t.set(image, egui::TextureOptions::LINEAR),
                None => {
                    *texture = Some(ui.ctx().load_texture(
                        "decision-map",
                        image,
                        egui::TextureOptions::LINEAR,
                    ));
                }
            }
            *coloured_from = Some((generation, theme::is_light()));
        }
        let fig = boundary_figure(&view);
        let tex = texture.as_ref().map(|t| t.id());
        let mut plot =
            crate::ui::plot(ui, &fig.id).height((ui.available_height() - 30.0).max(120.0));
        if editing {
            // A drag moves a point, a right-click deletes one: not the plot's pan and zoom.
            plot = plot.allow_drag(false).allow_boxed_zoom(false);
        }
        let response = figure_ui(
            ui,
            &fig,
            plot,
            |plot_ui| {
                if let (Some(map), Some(tex)) = (&view.result.map, tex) {
                    let s = &map.spec;
                    let (dx, dy) = (
                        (s.x_range.1 - s.x_range.0) / (s.nx - 1) as f64,
                        (s.y_range.1 - s.y_range.0) / (s.ny - 1) as f64,
                    );
                    let centre = PlotPoint::new(
                        0.5 * (s.x_range.0 + s.x_range.1),
                        0.5 * (s.y_range.0 + s.y_range.1),
                    );
                    let size = egui::vec2(
                        ((s.x_range.1 - s.x_range.0) + dx) as f32,
                        ((s.y_range.1 - s.y_range.0) + dy) as f32,
                    );
                    plot_ui.image(PlotImage::new("decision map", tex, centre, size));
                }
            },
            |plot_ui| {
                editor.interact(
                    plot_ui,
                    editing,
                    &view.prepared,
                    view.axes,
                    points_source,
                    edit_class,
                    current,
                )
            },
        );
        cx.commands.extend(response.inner);
        if let Some(map) = &view.result.map {
            colour_bar_ui(ui, map, view.prepared.dataset.target.class_names());
        }
    }
}

/// The map's values at a position `t` in `[0, 1]` along the colour bar.
type ShadeAt = Box<dyn Fn(f64) -> Vec<f64>>;

/// What the shading means: a bar from one class to the other through the undecided middle
/// (probability, or decision value f(x)), or for several classes their colours.
fn colour_bar_ui(ui: &mut egui::Ui, map: &crate::analysis::live::DecisionMap, classes: &[String]) {
    let k = map.values.ncols();
    let probability = map.kind == MapKind::Probability;
    ui.horizontal_wrapped(|ui| {
        let (label, left, right, value): (&str, String, String, ShadeAt) =
            match (probability, k) {
                (true, 2) => (
                    "shading: P —",
                    classes.first().cloned().unwrap_or_default(),
                    classes.get(1).cloned().unwrap_or_default(),
                    Box::new(|t| vec![1.0 - t, t]),
                ),
                (false, 1) => (
                    "shading: f(x) —",
                    "−3".to_string(),
                    "+3".to_string(),
                    Box::new(|t| vec![6.0 * t - 3.0]),
                ),
                _ => {
                    // An SVM's several-class map holds one-vs-one votes plus confidence
                    // (`SvmModel::decision_function`): its largest column is the voted class.
                    let what = if probability {
                        "shading: the winning class's colour, stronger where the model is surer:"
                    } else {
                        "shading: the class the one-vs-one SVMs vote for, stronger where the \
                         vote is clearer:"
                    };
                    let label = ui.label(egui::RichText::new(what).weak());
                    if !probability {
                        label.on_hover_text(
                        "For an SVM with more than two classes: one binary SVM per pair of \
                         classes votes; the colour is the class with the most votes, its \
                         strength tanh of the lead over the runner-up (votes plus each class's \
                         summed confidence squashed into (−⅓, ⅓), as scikit-learn's \
                         decision_function)",
                        );
                    }
                    for (c, name) in classes.iter().enumerate() {
                        ui.label(egui::RichText::new("■").color(theme::class_color(c)));
                        ui.label(egui::RichText::new(name).small());
                    }
                    return;
                }
            };
        ui.label(egui::RichText::new(label).weak());
        ui.label(egui::RichText::new(left).small());
        let (rect, response) =
            ui.allocate_exact_size(egui::vec2(160.0, 14.0), egui::Sense::hover());
        let steps = 64;
        for i in 0..steps {
            let t = (i as f64 + 0.5) / steps as f64;
            let x0 = rect.left() + rect.width() * i as f32 / steps as f32;
            let x1 = rect.left() + rect.width() * (i + 1) as f32 / steps as f32;
            let cell = egui::Rect::from_min_max(egui::pos2(x0, rect.top()), egui::pos2(x1, rect.bottom()));
            ui.painter()
                .rect_filled(cell, 0.0, theme::map_color(&value(t), probability));
        }
        response.on_hover_text(if probability {
            "The more probable class's colour, stronger the surer the model; solid line p = ½"
        } else {
            "Class 1's colour where f > 0, class 0's where f < 0, stronger as |f| grows (tanh); solid line f = 0, dashed f = ±1"
        });
        ui.label(egui::RichText::new(right).small());
    });
}
