//! The Train view, driven through egui_kittest: play trains epoch after epoch and the loss
//! curve grows while a slider is dragged (the run takes the new learning rate and goes on);
//! pause holds it; step trains exactly one epoch; reset goes back to epoch 0; a point added on
//! the plane starts a run on the edited data.

use std::time::Duration;

use crate::common::{prepared, save_screenshot, settle, settled_on, step_until};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use ridgeline::app::{RidgelineApp, Settings, Tab};
use ridgeline::data::Source;
use ridgeline::data::builtin::Builtin;
use ridgeline::data::generate::Generator;

fn on(generator: Generator, noise: f64, size: egui::Vec2) -> Harness<'static, RidgelineApp> {
    let mut settings = Settings {
        source: Source::Builtin(Builtin::Generated {
            kind: generator,
            n: 300,
            noise,
            seed: 0,
        }),
        ..Default::default()
    };
    settings.view.tab = Tab::Train;
    settled_on(settings, size)
}

fn epoch(app: &RidgelineApp) -> usize {
    app.train_run()
        .frame
        .as_ref()
        .map_or(0, |f| f.trainer.epoch())
}

fn history_len(app: &RidgelineApp) -> usize {
    app.train_run()
        .frame
        .as_ref()
        .map_or(0, |f| f.trainer.history().len())
}

fn shown_epoch_label(h: &Harness<'static, RidgelineApp>) -> String {
    let epochs = h.state().settings.train.epochs;
    format!("epoch {} / {epochs}", epoch(h.state()))
}

#[test]
fn play_streams_epochs_while_a_slider_is_dragged_then_pause_step_and_reset() {
    let mut h = on(Generator::Circles, 0.1, egui::vec2(1280.0, 800.0));
    assert_eq!(epoch(h.state()), 0);
    h.get_by_label("epoch 0 / 100");
    // Long enough that the run is still playing while the test drags a slider.
    h.state_mut().settings.train.epochs = 5000;
    h.step();

    h.get_by_label("▶ Play").click();
    step_until(&mut h, Duration::from_secs(60), "a few epochs", |a| {
        a.train_run().playing && epoch(a) >= 3
    });
    // The window's counter and loss curve follow the run.
    h.step();
    h.get_by_label(&shown_epoch_label(&h));
    assert_eq!(history_len(h.state()), epoch(h.state()));

    // Drag the learning-rate slider to its left end and keep the hand down: training goes
    // on (no restart from epoch 0) and takes the new rate.
    let before = epoch(h.state());
    let rect = h
        .get_by_role_and_label(Role::Slider, "learning rate η")
        .rect();
    h.drag_at(rect.center());
    h.step();
    h.hover_at(rect.left_center() - egui::vec2(40.0, 0.0));
    h.step();
    step_until(
        &mut h,
        Duration::from_secs(60),
        "epochs while dragging",
        |a| epoch(a) >= before + 3,
    );
    h.drop_at(rect.left_center() - egui::vec2(40.0, 0.0));
    h.step();
    let lr = h.state().settings.train.lr;
    assert!(lr < 0.001, "the slider went to its low end: {lr}");
    step_until(
        &mut h,
        Duration::from_secs(60),
        "the run to take the new rate",
        |a| {
            a.train_run()
                .frame
                .as_ref()
                .is_some_and(|f| f.trainer.params().lr == lr)
        },
    );
    assert!(
        epoch(h.state()) > before,
        "the run went on, not from the start"
    );
    assert!(h.state().train_run().playing);

    // Pause: the epoch stays where it is.
    h.get_by_label("⏸ Pause").click();
    h.step();
    std::thread::sleep(Duration::from_millis(300));
    h.run_steps(5);
    let paused = epoch(h.state());
    assert!(!h.state().train_run().playing);
    std::thread::sleep(Duration::from_millis(300));
    h.run_steps(5);
    assert_eq!(epoch(h.state()), paused);

    // Step: exactly one more epoch.
    h.get_by_label("⏭ Step").click();
    step_until(&mut h, Duration::from_secs(30), "one step", |a| {
        !a.is_busy() && epoch(a) != paused
    });
    assert_eq!(epoch(h.state()), paused + 1);
    assert_eq!(history_len(h.state()), paused + 1);

    // Reset: epoch 0 again, no history.
    h.get_by_label("⟲ Reset").click();
    step_until(&mut h, Duration::from_secs(30), "the reset", |a| {
        !a.is_busy() && epoch(a) == 0
    });
    assert_eq!(history_len(h.state()), 0);
    h.step();
    h.get_by_label("epoch 0 / 5000");
}

#[test]
fn a_network_on_spiral_learns_it_and_an_added_point_starts_a_run_on_the_edited_data() {
    let mut h = on(Generator::Spiral, 0.05, egui::vec2(1280.0, 800.0));
    {
        let p = &mut h.state_mut().settings.train;
        p.hidden = vec![16, 16];
        p.activation = ridgeline::train::Activation::Tanh;
        p.optimizer = ridgeline::train::Optimizer::Adam;
        p.lr = 0.01;
        p.epochs = 300;
    }
    h.step();
    settle(&mut h);
    h.get_by_label("▶ Play").click();
    step_until(&mut h, Duration::from_secs(120), "the last epoch", |a| {
        !a.train_run().playing && epoch(a) == 300
    });
    let f = h.state().train_run().frame.clone().unwrap();
    let last = f.trainer.history().last().copied().unwrap();
    // Three arms with little noise: chance is 1/3; a 16-16 tanh network separates them.
    assert!(last.accuracy.unwrap() > 0.9, "{last:?}");
    assert!(last.train_loss < f.trainer.history()[0].train_loss);
    save_screenshot(&mut h, "train-spiral");

    // Add a point on the plane: the data becomes edited points and a new run starts on them.
    let n0 = prepared(&h).dataset.n_rows();
    h.get_by_label("✏ Edit points").click();
    h.step();
    let plot = h.get_by_label("plot: train_plane").rect();
    h.hover_at(plot.center());
    h.step();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: plot.center(),
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    h.step();
    settle(&mut h);
    assert!(matches!(h.state().settings.source, Source::Points(_)));
    let f = h.state().train_run().frame.clone().unwrap();
    assert_eq!(f.trainer.n_train() + f.trainer.n_test(), n0 + 1);
    assert_eq!(f.trainer.epoch(), 0, "a new run on the new data");
    assert!(!h.state().train_run().stale);
}

#[test]
fn hovering_a_unit_of_the_network_shows_its_map_on_the_plane() {
    let mut h = on(Generator::Xor, 0.0, egui::vec2(1280.0, 800.0));
    assert!(h.query_by_label_contains("shading: hidden layer").is_none());
    let net = h
        .get_by_label_contains("network: 2 inputs, 2 layers")
        .rect();
    // Sweep the drawing until the pointer is over a hidden unit (the middle column).
    let mut found = false;
    'sweep: for k in 0..60 {
        let y = net.top() + net.height() * (k as f32 + 0.5) / 60.0;
        for x in [net.center().x - 10.0, net.center().x, net.center().x + 10.0] {
            h.hover_at(egui::pos2(x, y));
            h.run_steps(2);
            if h.query_by_label_contains("shading: hidden layer 1, unit")
                .is_some()
            {
                found = true;
                break 'sweep;
            }
        }
    }
    assert!(
        found,
        "no hidden unit under the pointer anywhere in the middle column"
    );
    // Away from the drawing, the plane shows the model's map again.
    h.hover_at(egui::pos2(5.0, 5.0));
    h.run_steps(2);
    assert!(h.query_by_label_contains("shading: hidden layer").is_none());
}
