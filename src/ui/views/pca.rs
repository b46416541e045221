//! PCA: the principal axes over the data, the projection, the scree plot and the covariance
//! of the projection (diagonal: the components are uncorrelated).

use egui::RichText;

use crate::estimators::Fitted;
use crate::figure::builders::{pca_figures, scree_figure};
use crate::ui::figure::figure_ui;
use crate::ui::{Ctx, View, fmt_num};

#[derive(Default)]
pub struct PcaView;

impl View for PcaView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
        let Some(view) = cx.model.result.clone() else {
            return;
        };
        let Fitted::Pca(model) = &view.result.fitted else {
            return;
        };
        let Some((axes, projection)) = pca_figures(&view) else {
            return;
        };
        let height = ui.available_height();
        ui.columns(2, |cols| {
            for (col, fig) in cols.iter_mut().zip([&axes, &projection]) {
                col.label(&fig.title);
                let plot = crate::ui::plot(col, &fig.id).height(height * 0.55);
                figure_ui(col, fig, plot, |_| {}, |_| {});
            }
        });
        ui.columns(2, |cols| {
            let scree = scree_figure(&model.explained_variance_ratio().to_vec());
            cols[0].label(&scree.title);
            let plot = crate::ui::plot(&cols[0], &scree.id);
            figure_ui(&mut cols[0], &scree, plot, |_| {}, |_| {});
            cols[1].label("Covariance of z (training rows): diagonal, λᵢ on the diagonal");
            if let Some(cov) = &view.result.z_covariance {
                // Scrolls both ways: 50 components make a 50 × 50 table.
                egui::ScrollArea::both()
                    .id_salt("z_cov_scroll")
                    .show(&mut cols[1], |ui| {
                        egui::Grid::new("z_cov").striped(true).show(ui, |ui| {
                            for r in 0..cov.nrows() {
                                for c in 0..cov.ncols() {
                                    let v = cov[[r, c]];
                                    let text = if r == c {
                                        RichText::new(fmt_num(v)).strong()
                                    } else {
                                        RichText::new(fmt_num(if v.abs() < 1e-12 {
                                            0.0
                                        } else {
                                            v
                                        }))
                                        .weak()
                                    };
                                    ui.label(text);
                                }
                                ui.end_row();
                            }
                        });
                    });
            }
        });
    }
}
