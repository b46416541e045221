//! Editing points on a plot, as in LIBSVM's svm-toy: click to add a point of the chosen class,
//! drag a point to move it, right-click a point to delete it. Edits are sent as commands
//! ([`Command::EditPoints`]); the app copies the data on screen the first time, and the model
//! refits on the edited points like on any other data. Ctrl+Z undoes each edit (a drag once).

use egui::RichText;
use egui_plot::{PlotPoint, PlotUi};

use crate::data::{PointEdit, Source, Target};
use crate::state::{Command, Prepared};
use crate::ui::{Ctx, theme};

/// How near (in points on screen) a click must be to a data point to pick it.
const PICK_RADIUS: f32 = 10.0;

/// The editor's state: the point being dragged.
#[derive(Default)]
pub struct PointEditor {
    dragging: Option<usize>,
    /// The plot's bounds are held still (editing was on in the last frame).
    holding_bounds: bool,
}

/// Whether points can be edited on this data in the plane `(xa, ya)`: class data, two
/// different features.
pub fn editable(p: &Prepared, (xa, ya): (usize, usize)) -> bool {
    matches!(p.dataset.target, Target::Classes { .. })
        && xa != ya
        && xa < p.dataset.n_features()
        && ya < p.dataset.n_features()
}

impl PointEditor {
    /// The "edit points" switch and the class a click adds. Returns whether editing is on.
    pub fn toolbar_ui(&mut self, ui: &mut egui::Ui, cx: &mut Ctx<'_>, p: &Prepared) -> bool {
        let classes: Vec<String> = match &cx.settings.source {
            Source::Points(points) => points.classes.clone(),
            _ => p.dataset.target.class_names().to_vec(),
        };
        let view = &mut cx.settings.view;
        ui.horizontal_wrapped(|ui| {
            ui.toggle_value(&mut view.edit_points, "✏ Edit points")
                .on_hover_text(
                    "Click to add a point of the chosen class, drag a point to move it, \
                     right-click a point to delete it; the model refits as you go (as in \
                     LIBSVM's svm-toy). The first edit works on a copy of the two shown \
                     columns and the class: your file is never changed. Ctrl+Z undoes.",
                );
            if view.edit_points {
                if view.edit_class >= classes.len() {
                    view.edit_class = 0;
                }
                ui.label("adds:");
                for (c, name) in classes.iter().enumerate() {
                    let text = RichText::new(format!("● {name}")).color(theme::class_color(c));
                    ui.selectable_value(&mut view.edit_class, c, text)
                        .on_hover_text(format!("A click adds a point of {name}"));
                }
            }
        });
        if !cx.settings.view.edit_points {
            self.dragging = None;
        }
        cx.settings.view.edit_points
    }

    /// Read clicks and drags on the plot (call inside it, with the plot's own dragging and
    /// box zoom switched off). `p` is the data drawn, in the plane `(xa, ya)`; `current` says
    /// it is the data of the settings now (a click on older data could pick a point that has
    /// since moved or gone, so only a drag already started goes on). While editing, the plot
    /// does not refit its bounds to the data, so that a point stays under the hand.
    #[allow(clippy::too_many_arguments)]
    pub fn interact(
        &mut self,
        plot_ui: &mut PlotUi<'_>,
        editing: bool,
        p: &Prepared,
        (xa, ya): (usize, usize),
        points_source: bool,
        class: usize,
        current: bool,
    ) -> Vec<Command> {
        if editing != self.holding_bounds {
            plot_ui.set_auto_bounds(!editing);
            self.holding_bounds = editing;
        }
        if !editing {
            return Vec::new();
        }
        let response = plot_ui.response();
        let transform = plot_ui.transform();
        let ds = &p.dataset;
        // The point index of dataset row i: the edited points' own index, or the row itself
        // (the first edit copies the rows in order).
        let index_of = |i: usize| {
            if points_source { ds.source_rows[i] } else { i }
        };
        let nearest = |pos: egui::Pos2| -> Option<usize> {
            (0..ds.n_rows())
                .map(|i| {
                    let at = transform
                        .position_from_point(&PlotPoint::new(ds.x[[i, xa]], ds.x[[i, ya]]));
                    (i, at.distance(pos))
                })
                .filter(|(_, d)| *d <= PICK_RADIUS)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(i, _)| index_of(i))
        };
        let value_at = |pos: egui::Pos2| {
            let v = transform.value_from_position(pos);
            [v.x, v.y]
        };
        let mut edits = Vec::new();
        let pos = response.interact_pointer_pos();
        if response.drag_started_by(egui::PointerButton::Primary) && current {
            self.dragging = pos.and_then(nearest);
        }
        if let (Some(index), Some(pos)) = (self.dragging, pos)
            && response.dragged_by(egui::PointerButton::Primary)
        {
            edits.push(PointEdit::Move {
                index,
                to: value_at(pos),
            });
        }
        if response.drag_stopped() {
            self.dragging = None;
        }
        if response.clicked()
            && current
            && let Some(pos) = pos
        {
            edits.push(PointEdit::Add {
                at: value_at(pos),
                class,
            });
        }
        if response.secondary_clicked()
            && current
            && let Some(index) = pos.and_then(nearest)
        {
            edits.push(PointEdit::Delete { index });
        }
        edits
            .into_iter()
            .map(|edit| Command::EditPoints {
                edit,
                axes: (xa, ya),
            })
            .collect()
    }
}
