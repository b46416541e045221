//! The Train view's controls (the right panel on that tab): the model, the network, the
//! optimiser, the penalties and the inputs, each with its formula in the tooltip. A change of
//! rate or penalty applies to the run at once; a change of network or inputs starts a new run.

use egui::RichText;

use crate::train::{
    Activation, Feature, MAX_HIDDEN_LAYERS, MAX_UNITS, Optimizer, TrainModel, TrainParams,
};
use crate::ui::Ctx;

const MODEL_TIP: &str = "Logistic regression: p(y = 1 | x) = σ(wᵀx + b), the sigmoid; softmax for more classes. \
Its cost is the cross-entropy, the negative log-likelihood: SGD here maximises the likelihood.\n\
Linear SVM: the hinge loss max(0, 1 − y·f(x)) (one-vs-rest for more classes), as a C-SVC with a linear kernel.\n\
Multilayer perceptron: hidden layers h = g(Wx + b) learn features; the output is a sigmoid, \
softmax or linear unit as the task asks. Gradients by back-propagation (the chain rule, layer by layer).";
const LR_TIP: &str = "Learning rate η: every minibatch moves the weights w ← w − η·∇L(w).\n\
Too large and the loss jumps or diverges; too small and it crawls.";
const BATCH_TIP: &str = "Minibatch size m′: the gradient is averaged over m′ rows drawn without replacement \
(the rows are shuffled each epoch). Small: noisy, cheap steps (SGD); the whole set: gradient descent.";
const EPOCHS_TIP: &str = "Epochs of a run: one epoch is one pass over every training row.";
const MOMENTUM_TIP: &str =
    "Heavy ball: v ← μv − η∇L, w ← w + v. μ = 0.9 averages about 10 past gradients.";
const OPT_TIP: &str = "SGD: w ← w − η∇L.\nMomentum: v ← μv − η∇L, w ← w + v.\n\
Adam: steps scaled by running estimates of the gradient's mean and its square (β₁ 0.9, β₂ 0.999).";
const L2_TIP: &str = "L2 penalty λ₂/2·Σw² added to the cost (weight decay: w shrinks by η·λ₂·w each step). \
Biases are not penalised.";
const L1_TIP: &str = "L1 penalty λ₁·Σ|w|: after each step w ← sign(w)·max(|w| − η·λ₁, 0) (soft-thresholding), \
so weights that matter little become exactly 0.";
const SEED_TIP: &str = "The seed of the initial weights and of the shuffling: the same seed gives the same run, bit for bit.";
const FEATURES_TIP: &str = "Inputs computed from the two columns (as TensorFlow Playground's): with x₁² and x₂², \
a linear model can draw a circle; with x₁x₂, the quadrants of xor.";

pub fn train_controls_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    ui.heading("Training");
    let n_features = cx.prepared().map(|p| p.dataset.n_features());
    let classes = cx.prepared().map(|p| p.dataset.target.class_names().len());
    let p: &mut TrainParams = &mut cx.settings.train;
    egui::ComboBox::from_label("Model")
        .selected_text(p.model.label())
        .show_ui(ui, |ui| {
            for m in TrainModel::ALL {
                ui.selectable_value(&mut p.model, m, m.label());
            }
        })
        .response
        .on_hover_text(MODEL_TIP);
    ui.label(RichText::new(output_text(p.model, classes)).weak().small());

    if p.model == TrainModel::Mlp {
        network_ui(ui, p);
    }

    ui.separator();
    ui.label(RichText::new("Optimiser").strong());
    ui.horizontal(|ui| {
        for o in Optimizer::ALL {
            ui.selectable_value(&mut p.optimizer, o, o.name())
                .on_hover_text(OPT_TIP);
        }
    });
    ui.add(log_slider(&mut p.lr, 1e-4, 3.0, "learning rate η"))
        .on_hover_text(LR_TIP);
    if p.optimizer == Optimizer::Momentum {
        ui.add(egui::Slider::new(&mut p.momentum, 0.0..=0.99).text("momentum μ"))
            .on_hover_text(MOMENTUM_TIP);
    }
    ui.add(
        egui::Slider::new(&mut p.batch_size, 1..=1000)
            .logarithmic(true)
            .text("batch size"),
    )
    .on_hover_text(BATCH_TIP);
    ui.add(
        egui::Slider::new(&mut p.epochs, 1..=5000)
            .logarithmic(true)
            .text("epochs"),
    )
    .on_hover_text(EPOCHS_TIP);

    ui.separator();
    ui.label(RichText::new("Penalties").strong());
    ui.add(penalty_slider(&mut p.l2, "L2 λ₂"))
        .on_hover_text(L2_TIP);
    ui.add(penalty_slider(&mut p.l1, "L1 λ₁"))
        .on_hover_text(L1_TIP);
    ui.horizontal(|ui| {
        ui.add(egui::DragValue::new(&mut p.seed).range(0..=u64::MAX))
            .on_hover_text(SEED_TIP);
        ui.label("seed");
    });

    ui.separator();
    ui.label(RichText::new("Inputs").strong())
        .on_hover_text(FEATURES_TIP);
    if n_features == Some(2) {
        ui.horizontal_wrapped(|ui| {
            for f in Feature::ALL {
                let mut on = p.features.contains(f);
                // The last input cannot be switched off: a network needs one.
                let only = on && p.features.len() == 1;
                let r = ui
                    .add_enabled(!only, egui::Checkbox::new(&mut on, f.label()))
                    .on_hover_text(FEATURES_TIP)
                    .on_disabled_hover_text("A network needs at least one input");
                if r.changed() {
                    p.features = p.features.toggled(f);
                }
            }
        });
    } else {
        ui.label(
            RichText::new(match n_features {
                Some(n) => format!(
                    "The {n} columns themselves (the extra inputs x₁², x₁x₂, sin x … are for two columns)"
                ),
                None => "No data".into(),
            })
            .weak()
            .small(),
        );
    }
    ui.label(
        RichText::new("Inputs are standardised with the training rows' mean and σ.")
            .weak()
            .small(),
    );
}

/// The hidden layers (1–4, each 1–32 units) and their activation.
fn network_ui(ui: &mut egui::Ui, p: &mut TrainParams) {
    ui.separator();
    ui.horizontal(|ui| {
        ui.label(RichText::new("Hidden layers").strong());
        if ui
            .add_enabled(p.hidden.len() > 1, egui::Button::new("−"))
            .on_hover_text("Remove the last hidden layer")
            .clicked()
        {
            p.hidden.pop();
        }
        if ui
            .add_enabled(p.hidden.len() < MAX_HIDDEN_LAYERS, egui::Button::new("+"))
            .on_hover_text("Add a hidden layer")
            .clicked()
        {
            let last = p.hidden.last().copied().unwrap_or(4);
            p.hidden.push(last);
        }
    });
    for (l, units) in p.hidden.iter_mut().enumerate() {
        ui.add(egui::Slider::new(units, 1..=MAX_UNITS).text(format!("units in layer {}", l + 1)))
            .on_hover_text("Units of this layer: each computes g(wᵀh + b) of the layer below");
    }
    egui::ComboBox::from_label("activation")
        .selected_text(p.activation.label())
        .show_ui(ui, |ui| {
            for a in Activation::ALL {
                ui.selectable_value(&mut p.activation, a, a.label());
            }
        })
        .response
        .on_hover_text(format!(
            "The hidden units' g(z). ReLU and its generalisations (leaky, PReLU, |z|) keep \
             gradients alive where tanh and the sigmoid saturate.\nInitial weights: {}",
            p.activation.init_name()
        ));
}

/// What the output unit and the cost are, from the task.
fn output_text(model: TrainModel, classes: Option<usize>) -> String {
    match (model, classes) {
        (TrainModel::LinearSvm, Some(2)) => "output f(x) = wᵀx + b, hinge loss".into(),
        (TrainModel::LinearSvm, Some(k)) if k > 2 => {
            format!("{k} outputs, one-vs-rest hinge losses")
        }
        (TrainModel::LinearSvm, _) => "needs class labels".into(),
        (_, Some(2)) => "output σ(z), binary cross-entropy".into(),
        (_, Some(k)) if k > 2 => format!("output softmax over {k} classes, cross-entropy"),
        _ => "output linear, squared error (a numeric target)".into(),
    }
}

fn log_slider<'a>(value: &'a mut f64, lo: f64, hi: f64, name: &str) -> egui::Slider<'a> {
    egui::Slider::new(value, lo..=hi)
        .logarithmic(true)
        .text(name)
        .custom_formatter(|v, _| crate::ui::fmt_num(v))
}

/// A penalty from 0 to 1 on a log scale (0 at the left end).
fn penalty_slider<'a>(value: &'a mut f64, name: &str) -> egui::Slider<'a> {
    egui::Slider::new(value, 0.0..=1.0)
        .logarithmic(true)
        .smallest_positive(1e-5)
        .text(name)
        .custom_formatter(|v, _| crate::ui::fmt_num(v))
}
