//! The Train view: a model learning by SGD, watched as in TensorFlow Playground. Play, pause,
//! step one epoch, reset; the decision map and boundary in the plane of the shown pair (or
//! the fitted curve for one feature), the network drawn as layers with each unit's output
//! over the plane and the weights coloured by sign and sized by magnitude, and the loss per
//! epoch. Points can be edited on the plane as on the Model view. The run streams from its
//! job slot ([`crate::app`]); nothing here trains.

use std::sync::Arc;

use egui::{Color32, RichText};
use egui_plot::{PlotImage, PlotPoint};

use crate::analysis::grid::GridSpec;
use crate::analysis::live::MapKind;
use crate::figure::builders::{train_loss_figure, train_plane_figure};
use crate::state::{Command, Prepared};
use crate::train::frames::TrainFrame;
use crate::ui::figure::figure_ui;
use crate::ui::views::edit_points::{PointEditor, editable};
use crate::ui::{Ctx, View, fmt_num, theme};

/// A node of the network drawing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Node {
    Input(usize),
    /// Dense layer (hidden layers first, the output layer last) and unit.
    Unit(usize, usize),
}

#[derive(Default)]
pub struct TrainView {
    /// The frame the textures were made from (its address), and in which theme.
    textured: Option<(usize, bool)>,
    map: Option<egui::TextureHandle>,
    inputs: Vec<egui::TextureHandle>,
    units: Vec<Vec<egui::TextureHandle>>,
    /// The node under the pointer: its map is shown on the plane.
    hovered: Option<Node>,
    editor: PointEditor,
}

impl View for TrainView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
        let prepared = match cx.data_view().map(|d| &d.prepared) {
            Some(Ok(p)) => p.clone(),
            Some(Err(e)) => {
                ui.label(RichText::new(format!("No dataset to train on: {e}")).color(theme::ERROR));
                return;
            }
            None => {
                ui.centered_and_justified(|ui| ui.spinner());
                return;
            }
        };
        toolbar_ui(ui, cx);
        let frame = cx.train.frame.clone();
        if let Some(f) = &frame {
            scores_ui(ui, f, cx.train.stale);
        }
        if let Some(err) = &cx.train.error {
            ui.label(RichText::new(err).color(theme::ERROR));
        }
        let Some(frame) = frame else {
            ui.centered_and_justified(|ui| ui.spinner());
            return;
        };
        self.make_textures(ui.ctx(), &frame);

        let axes = {
            let v = &cx.settings.view;
            prepared.feature_axes(v.x_feature.as_deref(), v.y_feature.as_deref())
        };
        let size = ui.available_size();
        if size.x >= 760.0 {
            let plane_w = (size.x * 0.5).min(size.y.max(260.0));
            ui.horizontal_top(|ui| {
                ui.vertical(|ui| {
                    ui.set_width(plane_w);
                    self.plane_ui(ui, cx, &prepared, axes, &frame, size.y);
                });
                ui.vertical(|ui| {
                    let h = ui.available_height();
                    self.network_ui(ui, &frame, egui::vec2(ui.available_width(), h * 0.5));
                    loss_ui(ui, cx, &frame);
                });
            });
        } else {
            self.plane_ui(ui, cx, &prepared, axes, &frame, size.y * 0.5);
            ui.horizontal_top(|ui| {
                let w = ui.available_width();
                let h = ui.available_height();
                ui.vertical(|ui| {
                    ui.set_width(w * 0.45);
                    self.network_ui(ui, &frame, egui::vec2(w * 0.45, h));
                });
                ui.vertical(|ui| loss_ui(ui, cx, &frame));
            });
        }
    }
}

/// Play or pause, step, reset, and where the run is.
fn toolbar_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    let run = cx.train;
    let epochs = cx.settings.train.epochs;
    ui.horizontal_wrapped(|ui| {
        if run.playing {
            if ui
                .button("⏸ Pause")
                .on_hover_text("Stop training; the network stays as it is drawn")
                .clicked()
            {
                cx.commands.push(Command::TrainPause);
            }
        } else if ui
            .button("▶ Play")
            .on_hover_text(
                "Train epoch after epoch up to the last, drawing as it learns (from where the \
                 run is; at the last epoch, from the start again)",
            )
            .clicked()
        {
            cx.commands.push(Command::TrainPlay);
        }
        if ui
            .button("⏭ Step")
            .on_hover_text("Train one epoch: one pass over the training rows in minibatches")
            .clicked()
        {
            cx.commands.push(Command::TrainStep);
        }
        if ui
            .button("⟲ Reset")
            .on_hover_text("Start again from epoch 0: new weights drawn from the seed")
            .clicked()
        {
            cx.commands.push(Command::TrainReset);
        }
        let epoch = run.frame.as_ref().map_or(0, |f| f.trainer.epoch());
        ui.label(RichText::new(format!("epoch {epoch} / {epochs}")).strong());
        if let Some(rate) = run.frame.as_ref().and_then(|f| f.epochs_per_second)
            && run.playing
        {
            ui.label(RichText::new(format!("{} epochs/s", fmt_num(rate))).weak());
        }
        if run.playing || run.stale {
            ui.spinner();
        }
        if let Some(p) = &cx.train_progress
            && run.playing
            && let Some(f) = p.fraction()
        {
            ui.add(egui::ProgressBar::new(f).desired_width(120.0));
        }
    });
}

/// The objective and the scores of the frame.
fn scores_ui(ui: &mut egui::Ui, f: &TrainFrame, stale: bool) {
    let s = f
        .trainer
        .history()
        .last()
        .copied()
        .unwrap_or_else(|| f.trainer.evaluate());
    let mut parts = vec![format!("training objective {}", fmt_num(s.train_loss))];
    if s.penalty > 0.0 {
        parts.push(format!("(penalty {})", fmt_num(s.penalty)));
    }
    if let Some(t) = s.test_loss {
        parts.push(format!("test loss {}", fmt_num(t)));
    }
    match (s.accuracy, s.r2) {
        (Some(a), _) => parts.push(format!(
            "accuracy {} train, {} test",
            fmt_num(a),
            s.test_accuracy.map_or("–".into(), fmt_num)
        )),
        (None, Some(r2)) => parts.push(format!(
            "R² {} train, {} test",
            fmt_num(r2),
            s.test_r2.map_or("–".into(), fmt_num)
        )),
        _ => {}
    }
    let text = RichText::new(parts.join(" · "));
    ui.label(if stale { text.weak() } else { text })
        .on_hover_text(
            "Training objective: mean loss over every training row plus the penalty \
         (λ₂/2 Σw² + λ₁ Σ|w|), computed after each epoch. Cross-entropy is the negative \
         log-likelihood: minimising it is maximum likelihood, and minimising the KL divergence \
         from the data's labels to the model's. Test loss: the mean loss on the held-out rows.",
        );
}

impl TrainView {
    /// Colour the frame's maps once per frame.
    fn make_textures(&mut self, ctx: &egui::Context, frame: &Arc<TrainFrame>) {
        let id = (Arc::as_ptr(frame) as usize, theme::is_light());
        if self.textured == Some(id) {
            return;
        }
        self.textured = Some(id);
        let opts = egui::TextureOptions::LINEAR;
        match &frame.map {
            Some(map) => {
                let image = theme::map_image(
                    map.values.view(),
                    map.spec.nx,
                    map.spec.ny,
                    map.kind == MapKind::Probability,
                );
                match &mut self.map {
                    Some(t) => t.set(image, opts),
                    None => self.map = Some(ctx.load_texture("train-map", image, opts)),
                }
            }
            None => self.map = None,
        }
        let Some(units) = frame.units.as_ref().filter(|u| u.spec.ny > 1) else {
            self.inputs.clear();
            self.units.clear();
            return;
        };
        let set = |slot: &mut Vec<egui::TextureHandle>, k: usize, name: String, values: &[f64]| {
            let image = unit_image(values, &units.spec);
            if let Some(t) = slot.get_mut(k) {
                t.set(image, opts);
            } else {
                slot.push(ctx.load_texture(name, image, opts));
            }
        };
        self.inputs.truncate(units.inputs.len());
        for (k, v) in units.inputs.iter().enumerate() {
            set(&mut self.inputs, k, format!("train-input-{k}"), v);
        }
        self.units.truncate(units.layers.len());
        self.units.resize_with(units.layers.len(), Vec::new);
        for (l, layer) in units.layers.iter().enumerate() {
            self.units[l].truncate(layer.len());
            for (u, v) in layer.iter().enumerate() {
                set(&mut self.units[l], u, format!("train-unit-{l}-{u}"), v);
            }
        }
    }

    fn node_texture(&self, node: Node) -> Option<&egui::TextureHandle> {
        match node {
            Node::Input(i) => self.inputs.get(i),
            Node::Unit(l, u) => self.units.get(l).and_then(|layer| layer.get(u)),
        }
    }

    /// The plane: the decision map (or the hovered node's map), boundary and data; points can
    /// be edited on it.
    fn plane_ui(
        &mut self,
        ui: &mut egui::Ui,
        cx: &mut Ctx<'_>,
        prepared: &Arc<Prepared>,
        axes: (usize, usize),
        frame: &Arc<TrainFrame>,
        height: f32,
    ) {
        let editing = frame.map.is_some()
            && editable(prepared, axes)
            && self.editor.toolbar_ui(ui, cx, prepared);
        let points_source = matches!(cx.settings.source, crate::data::Source::Points(_));
        let edit_class = cx.settings.view.edit_class;
        let current = !cx.train.stale && !cx.data.is_busy();
        let fig = train_plane_figure(prepared, axes, frame);
        let hovered_map = self
            .hovered
            .and_then(|n| self.node_texture(n))
            .map(|t| t.id());
        let map_tex = hovered_map.or_else(|| self.map.as_ref().map(|t| t.id()));
        let spec = frame.map.as_ref().map(|m| m.spec.clone());
        let mut plot = crate::ui::plot(ui, &fig.id).height((height - 40.0).max(160.0));
        if editing {
            plot = plot.allow_drag(false).allow_boxed_zoom(false);
        }
        let editor = &mut self.editor;
        let response = figure_ui(
            ui,
            &fig,
            plot,
            |plot_ui| {
                if let (Some(s), Some(tex)) = (&spec, map_tex) {
                    let (centre, size) = image_place(s);
                    plot_ui.image(PlotImage::new("decision map", tex, centre, size));
                }
            },
            |plot_ui| {
                editor.interact(
                    plot_ui,
                    editing,
                    prepared,
                    axes,
                    points_source,
                    edit_class,
                    current,
                )
            },
        );
        cx.commands.extend(response.inner);
        if let Some(node) = self.hovered {
            ui.label(
                RichText::new(format!(
                    "shading: {} over the plane",
                    node_name(frame, node)
                ))
                .weak(),
            );
        }
    }

    /// The network as layers: inputs, hidden units, outputs; each node shows its output over
    /// the plane, each edge its weight (orange positive, blue negative, thicker for larger
    /// |w|).
    fn network_ui(&mut self, ui: &mut egui::Ui, frame: &TrainFrame, size: egui::Vec2) {
        let trainer = &frame.trainer;
        let layers = trainer.layers();
        let names = &frame.input_names;
        let mut columns: Vec<Vec<Node>> = vec![(0..names.len()).map(Node::Input).collect()];
        for (l, layer) in layers.iter().enumerate() {
            columns.push(
                (0..layer.weights.ncols())
                    .map(|u| Node::Unit(l, u))
                    .collect(),
            );
        }
        let size = egui::vec2(size.x.max(120.0), size.y.max(120.0));
        let (response, painter) = ui.allocate_painter(size, egui::Sense::hover());
        let rect = response.rect.shrink2(egui::vec2(8.0, 6.0));
        let label_w = 44.0;
        let inner = egui::Rect::from_min_max(rect.min + egui::vec2(label_w, 0.0), rect.max);
        let most = columns.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32;
        let side = (inner.height() / (most * 1.25)).clamp(4.0, 30.0);
        let n_cols = columns.len() as f32;
        let col_x = |c: usize| {
            inner.left() + side / 2.0 + (inner.width() - side) * c as f32 / (n_cols - 1.0).max(1.0)
        };
        let node_rect = |c: usize, k: usize, len: usize| {
            let total = len as f32 * side * 1.25;
            let top = inner.center().y - total / 2.0 + side * 0.125;
            egui::Rect::from_min_size(
                egui::pos2(col_x(c) - side / 2.0, top + k as f32 * side * 1.25),
                egui::vec2(side, side),
            )
        };
        // Edges first, under the nodes.
        let biggest = layers
            .iter()
            .flat_map(|l| l.weights.iter())
            .fold(0.0f64, |m, w| m.max(w.abs()))
            .max(1e-12);
        for (l, layer) in layers.iter().enumerate() {
            let (from, to) = (&columns[l], &columns[l + 1]);
            for i in 0..from.len() {
                let a = node_rect(l, i, from.len()).right_center();
                for j in 0..to.len() {
                    let w = layer.weights[[i, j]];
                    let t = (w.abs() / biggest) as f32;
                    let colour =
                        theme::class_color(usize::from(w > 0.0)).gamma_multiply(0.25 + 0.75 * t);
                    let b = node_rect(l + 1, j, to.len()).left_center();
                    painter.line_segment([a, b], egui::Stroke::new(0.5 + 3.0 * t, colour));
                }
            }
        }
        let pointer = response.hover_pos();
        let mut hovered = None;
        for (c, column) in columns.iter().enumerate() {
            for (k, &node) in column.iter().enumerate() {
                let r = node_rect(c, k, column.len());
                let curve =
                    frame
                        .units
                        .as_ref()
                        .filter(|u| u.spec.ny == 1)
                        .and_then(|u| match node {
                            Node::Input(i) => u.inputs.get(i),
                            Node::Unit(l, k) => u.layers.get(l).and_then(|layer| layer.get(k)),
                        });
                match self.node_texture(node) {
                    _ if curve.is_some() => {
                        painter.rect_filled(r, 2.0, theme::map_background());
                        if let Some(v) = curve {
                            unit_curve(&painter, r, v);
                        }
                    }
                    Some(t) => {
                        painter.image(
                            t.id(),
                            r,
                            egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                            Color32::WHITE,
                        );
                    }
                    None => {
                        painter.rect_filled(r, 2.0, theme::map_background());
                    }
                }
                let is_hovered = pointer.is_some_and(|p| r.expand(2.0).contains(p));
                let stroke = if is_hovered {
                    egui::Stroke::new(2.0, Color32::WHITE)
                } else {
                    egui::Stroke::new(1.0, Color32::GRAY)
                };
                painter.rect_stroke(r, 2.0, stroke, egui::StrokeKind::Outside);
                if let Node::Input(i) = node {
                    painter.text(
                        r.left_center() - egui::vec2(4.0, 0.0),
                        egui::Align2::RIGHT_CENTER,
                        &names[i],
                        egui::FontId::proportional(11.0),
                        ui.visuals().text_color(),
                    );
                }
                if is_hovered {
                    hovered = Some(node);
                }
            }
        }
        self.hovered = hovered;
        let mut response = response;
        if let Some(node) = hovered {
            response = response.on_hover_text(node_tooltip(frame, node));
        }
        response.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::accesskit::Role::Figure,
                true,
                format!("network: {} inputs, {} layers", names.len(), layers.len()),
            )
        });
    }
}

/// Centre and size of a map's image on the plot (cells centred on the grid points).
fn image_place(s: &GridSpec) -> (PlotPoint, egui::Vec2) {
    let (dx, dy) = (
        (s.x_range.1 - s.x_range.0) / (s.nx - 1) as f64,
        (s.y_range.1 - s.y_range.0) / (s.ny - 1) as f64,
    );
    (
        PlotPoint::new(
            0.5 * (s.x_range.0 + s.x_range.1),
            0.5 * (s.y_range.0 + s.y_range.1),
        ),
        egui::vec2(
            ((s.x_range.1 - s.x_range.0) + dx) as f32,
            ((s.y_range.1 - s.y_range.0) + dy) as f32,
        ),
    )
}

/// A unit's values as an image: orange where positive, blue where negative, stronger with
/// |value| (scaled by the largest on the plane).
fn unit_image(values: &[f64], spec: &GridSpec) -> egui::ColorImage {
    let biggest = values
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(1e-12);
    let (nx, ny) = (spec.nx, spec.ny);
    let mut pixels = vec![theme::map_background(); nx * ny];
    for j in 0..ny {
        for i in 0..nx {
            let v = values.get(j * nx + i).copied().unwrap_or(f64::NAN);
            if v.is_finite() {
                pixels[(ny - 1 - j) * nx + i] = theme::map_color(&[2.0 * v / biggest], false);
            }
        }
    }
    egui::ColorImage::new([nx, ny], pixels)
}

/// A unit's output over the one feature, as a small curve in its box.
fn unit_curve(painter: &egui::Painter, r: egui::Rect, values: &[f64]) {
    let finite = values.iter().filter(|v| v.is_finite());
    let lo = finite.clone().fold(f64::INFINITY, |a, &b| a.min(b));
    let hi = finite.fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    if !(lo.is_finite() && hi.is_finite()) || values.len() < 2 {
        return;
    }
    let span = if hi > lo { hi - lo } else { 1.0 };
    let inner = r.shrink(2.0);
    let points: Vec<egui::Pos2> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let t = i as f32 / (values.len() - 1) as f32;
            let u = ((v - lo) / span) as f32;
            egui::pos2(
                inner.left() + t * inner.width(),
                inner.bottom() - u * inner.height(),
            )
        })
        .collect();
    painter.add(egui::Shape::line(
        points,
        egui::Stroke::new(1.5, theme::class_color(1)),
    ));
}

fn node_name(frame: &TrainFrame, node: Node) -> String {
    let n_layers = frame.trainer.layers().len();
    match node {
        Node::Input(i) => format!(
            "input {}",
            frame
                .trainer
                .input_names()
                .get(i)
                .cloned()
                .unwrap_or_default()
        ),
        Node::Unit(l, u) if l + 1 == n_layers => format!("output {}", u + 1),
        Node::Unit(l, u) => format!("hidden layer {}, unit {}", l + 1, u + 1),
    }
}

fn node_tooltip(frame: &TrainFrame, node: Node) -> String {
    let trainer = &frame.trainer;
    let layers = trainer.layers();
    match node {
        Node::Input(_) => format!(
            "{}, standardised on the training rows; its value over the plane is drawn there",
            node_name(frame, node)
        ),
        Node::Unit(l, u) => {
            let layer = &layers[l];
            let activation = if layer.is_output {
                "the output's raw score (before the sigmoid or softmax)".to_string()
            } else {
                format!("activation {}", trainer.params().activation.label())
            };
            let mut text = format!(
                "{}: bias {}, {activation}",
                node_name(frame, node),
                fmt_num(layer.bias[u])
            );
            if let Some(slope) = layer.slope {
                text.push_str(&format!(", learned slope a = {}", fmt_num(slope[u])));
            }
            text.push_str("\nIts output over the plane is drawn there.");
            text
        }
    }
}

fn loss_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>, frame: &TrainFrame) {
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut cx.settings.view.loss_log_y, "log scale")
            .on_hover_text("Logarithmic loss axis");
        // The plot is often too narrow for a legend: name the lines here.
        ui.label(RichText::new("— training objective").color(theme::class_color(0)));
        if frame.trainer.n_test() > 0 {
            ui.label(RichText::new("— test loss").color(theme::class_color(1)));
        }
    });
    let fig = train_loss_figure(frame.trainer.history(), cx.settings.view.loss_log_y);
    let plot = crate::ui::plot(ui, &fig.id).height(ui.available_height().max(100.0));
    figure_ui(ui, &fig, plot, |_| {}, |_| {});
}
