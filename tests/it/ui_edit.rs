//! Editing points on the decision map (as in LIBSVM's svm-toy), driven through egui_kittest:
//! a click adds a point of the chosen class, a drag moves it, a right-click deletes it, the
//! model refits on every change, and Ctrl+Z steps back through each (a drag once).

use crate::common::{prepared, save_screenshot, settle, settled_on};
use egui::PointerButton;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use ridgeline::app::{RidgelineApp, Settings, Tab};
use ridgeline::data::{Points, Source};

fn click_at(h: &mut Harness<'static, RidgelineApp>, pos: egui::Pos2, button: PointerButton) {
    h.hover_at(pos);
    h.step();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    h.step();
}

fn points(h: &Harness<'static, RidgelineApp>) -> Option<Points> {
    match &h.state().settings.source {
        Source::Points(p) => Some(p.clone()),
        _ => None,
    }
}

/// Rows the model on screen was fitted from (its dataset).
fn model_rows(h: &Harness<'static, RidgelineApp>) -> usize {
    h.state()
        .model()
        .expect("a model")
        .prepared
        .dataset
        .n_rows()
}

#[test]
fn clicks_add_drags_move_right_clicks_delete_and_undo_steps_back() {
    let mut settings = Settings::default();
    settings.view.tab = Tab::Model;
    let mut h = settled_on(settings, egui::vec2(1280.0, 800.0));
    let original = h.state().settings.source.clone();
    let n0 = prepared(&h).dataset.n_rows();
    assert!(points(&h).is_none());

    h.get_by_label("✏ Edit points").click();
    h.step();
    h.get_by_label("● class 1").click();
    h.step();
    assert!(h.state().settings.view.edit_points);
    assert_eq!(h.state().settings.view.edit_class, 1);

    // A click adds a point of class 1 where it was clicked; the model refits with it.
    let plot = h.get_by_label("plot: boundary").rect();
    // Inside the data's bounding box, so that the plot's bounds do not change with the point.
    let at = plot.center() + egui::vec2(plot.width() * 0.15, -plot.height() * 0.15);
    click_at(&mut h, at, PointerButton::Primary);
    settle(&mut h);
    let p = points(&h).expect("the data is now edited points");
    assert_eq!(p.len(), n0 + 1);
    assert_eq!(p.class[n0], 1);
    assert_eq!(
        model_rows(&h),
        n0 + 1,
        "the model refitted on the new point"
    );
    let added = p.xy[n0];
    // Every earlier point is the copy of the data as it was.
    let before: Vec<[f64; 2]> = p.xy[..n0].to_vec();
    let range = |k: usize| {
        before
            .iter()
            .map(|q| q[k])
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            })
    };
    // Up and to the right of the middle of the plot, inside its bounds.
    let ((x0, x1), (y0, y1)) = (range(0), range(1));
    assert!(
        added[0] > 0.5 * (x0 + x1) && added[0] < x1 + (x1 - x0),
        "{added:?}"
    );
    assert!(
        added[1] > 0.5 * (y0 + y1) && added[1] < y1 + (y1 - y0),
        "{added:?}"
    );
    save_screenshot(&mut h, "edit-points");

    // Drag it 60 points to the left: it moves left, not up or down.
    let to = at - egui::vec2(60.0, 0.0);
    h.drag_at(at);
    h.step();
    for k in 1..=6 {
        h.hover_at(at - egui::vec2(10.0 * k as f32, 0.0));
        h.step();
    }
    h.drop_at(to);
    h.step();
    settle(&mut h);
    let p = points(&h).unwrap();
    assert_eq!(p.len(), n0 + 1);
    let moved = p.xy[n0];
    assert!(moved[0] < added[0], "{moved:?} after {added:?}");
    assert!(
        (moved[1] - added[1]).abs() < 0.05 * (added[0] - moved[0]),
        "{moved:?} after {added:?}"
    );
    assert_eq!(&p.xy[..n0], &before[..], "no other point moved");

    // A right-click on it deletes it (and only it).
    click_at(&mut h, to, PointerButton::Secondary);
    settle(&mut h);
    let p = points(&h).unwrap();
    assert_eq!(p.len(), n0);
    assert_eq!(p.xy, before);
    assert_eq!(model_rows(&h), n0);

    // Undo: the deletion, then the whole drag at once, then the addition.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    settle(&mut h);
    assert_eq!(points(&h).unwrap().xy[n0], moved);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    settle(&mut h);
    assert_eq!(points(&h).unwrap().xy[n0], added);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    settle(&mut h);
    assert_eq!(h.state().settings.source, original);
    assert_eq!(prepared(&h).dataset.n_rows(), n0);
}
