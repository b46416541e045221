//! Every view, rendered at 900 × 600 and at 1280 × 800 (Mesa's software drivers) and compared
//! with its snapshot in tests/snapshots/: a view that loses its axes, cuts a panel or draws
//! over a plot fails here. Timings (which change from run to run) are blanked out first.
//! After a deliberate change of the UI, look at the new pictures and accept them with
//! `UPDATE_SNAPSHOTS=1 cargo test --test it ui_snapshots`.

use crate::common::{harness, settle};
use egui_kittest::kittest::Queryable as _;
use ridgeline::analysis::live::FitOn;
use ridgeline::app::{Settings, Startup, Tab};
use ridgeline::data::builtin::Builtin;
use ridgeline::data::generate::Generator;
use ridgeline::data::{RealDataset, Source};
use ridgeline::estimators::ModelKind;

const SIZES: [(f32, f32); 2] = [(900.0, 600.0), (1280.0, 800.0)];

fn real(d: RealDataset) -> Source {
    Source::Builtin(Builtin::Real(d))
}

fn generated(g: Generator) -> Source {
    Source::Builtin(Builtin::generated(g))
}

/// Render `settings` at both sizes and compare each with `view_NAME_WxH.png`.
fn check(name: &str, settings: Settings) {
    for (w, h) in SIZES {
        let mut harness = harness(
            Startup {
                restored: Some(settings.clone()),
                ..Default::default()
            },
            egui::vec2(w, h),
        );
        settle(&mut harness);
        harness.remove_cursor();
        harness.run_steps(3);
        settle(&mut harness);
        // Timings differ from run to run, and so does the width of their text: blank each
        // such line out to the window's right edge (1 pixel per point).
        let timings: Vec<egui::Rect> = harness
            .query_all_by(|node| {
                // A label keeps its text in the node's value (AccessKit's rule for labels).
                let text = if node.role() == egui::accesskit::Role::Label {
                    node.value()
                } else {
                    node.label()
                };
                text.is_some_and(|t| says_milliseconds(&t))
            })
            .map(|n| n.rect())
            .collect();
        let mut image = harness
            .render()
            .expect("rendering needs Mesa's Vulkan or GL drivers");
        // The status line says how long the load took, sometimes ("read in 3 ms"), depending on
        // the time: blank the whole bottom bar.
        let mut timings = timings;
        timings.push(egui::Rect::from_min_max(
            egui::pos2(0.0, h - 26.0),
            egui::pos2(w, h),
        ));
        for r in timings {
            for y in r.top().max(0.0) as u32..(r.bottom().ceil() as u32).min(image.height()) {
                for x in r.left().max(0.0) as u32..image.width() {
                    image.put_pixel(x, y, image::Rgba([255, 0, 255, 255]));
                }
            }
        }
        // A little slack for software rasterisers on other CPUs (anti-aliasing may differ).
        let options = egui_kittest::SnapshotOptions::new()
            .threshold(1.0)
            .max_failed_pixels(300);
        egui_kittest::image_snapshot_options(
            &image,
            format!("view_{name}_{}x{}", w as u32, h as u32),
            &options,
        );
    }
}

/// A label that gives a time: a number followed by " ms" (not " mse").
fn says_milliseconds(label: &str) -> bool {
    label.match_indices(" ms").any(|(i, _)| {
        let before = label[..i].chars().next_back();
        let after = label[i + 3..].chars().next();
        before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(char::is_alphanumeric)
    })
}

fn on(source: Source, tab: Tab, kind: ModelKind) -> Settings {
    let mut s = Settings {
        source,
        ..Default::default()
    };
    s.view.tab = tab;
    s.model.spec.kind = kind;
    s
}

#[test]
fn model_view_svm_on_moons() {
    check(
        "model",
        on(generated(Generator::Moons), Tab::Model, ModelKind::Svm),
    );
}

#[test]
fn loss_view_logistic_on_iris() {
    check(
        "loss",
        on(real(RealDataset::Iris), Tab::Loss, ModelKind::Logistic),
    );
}

#[test]
fn path_view_lasso_on_diabetes() {
    let mut s = on(
        real(RealDataset::Diabetes),
        Tab::Path,
        ModelKind::ElasticNet,
    );
    s.model.spec.elastic_net.l1_ratio = 1.0;
    check("path", s);
}

#[test]
fn curves_view_validation_of_an_svm_on_moons() {
    check(
        "curves",
        on(generated(Generator::Moons), Tab::Curves, ModelKind::Svm),
    );
}

#[test]
fn train_view_mlp_on_circles() {
    check(
        "train",
        on(generated(Generator::Circles), Tab::Train, ModelKind::Svm),
    );
}

#[test]
fn scatter_view_wine_quality() {
    check(
        "scatter",
        on(real(RealDataset::WineQuality), Tab::Scatter, ModelKind::Svm),
    );
}

#[test]
fn table_view_wine_quality() {
    check(
        "table",
        on(real(RealDataset::WineQuality), Tab::Table, ModelKind::Svm),
    );
}

#[test]
fn model_view_pca_on_wine_quality_every_feature() {
    let mut s = on(real(RealDataset::WineQuality), Tab::Model, ModelKind::Pca);
    s.model.fit_on = FitOn::AllFeatures;
    s.model.spec.pca.n_components = 11;
    check("pca", s);
}
