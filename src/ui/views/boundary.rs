//! The decision boundary of a classifier: the decision map's shading (class probability or
//! decision value), the boundary and margins, the data and the support vectors.

use egui_plot::{PlotImage, PlotPoint};

use crate::analysis::live::MapKind;
use crate::figure::builders::boundary_figure;
use crate::ui::figure::figure_ui;
use crate::ui::{Ctx, View, theme};

/// Keeps the decision map's texture, coloured once per model result.
#[derive(Default)]
pub struct BoundaryView {
    texture: Option<egui::TextureHandle>,
    /// The model result (its slot generation) the texture was coloured from.
    coloured_from: Option<u64>,
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
        } = self;
        let Some(view) = cx.model.result.clone() else {
            return;
        };
        let generation = cx.model.generation;
        if let Some(map) = &view.result.map
            && *coloured_from != Some(generation)
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
            *coloured_from = Some(generation);
        }
        let fig = boundary_figure(&view);
        let tex = texture.as_ref().map(|t| t.id());
        let plot = crate::ui::plot(ui, &fig.id);
        figure_ui(
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
            |_| {},
        );
    }
}
