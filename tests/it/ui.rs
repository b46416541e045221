//! The real window, driven through egui_kittest: clicks, drags and typing, then assertions on
//! what the app holds and shows. These need no display (queries and clicks work headless).

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use ridgeline::app::{RidgelineApp, Settings, Startup};
use ridgeline::data::builtin::Builtin;
use ridgeline::data::generate::Generator;
use ridgeline::data::{Source, Target, Task};

use crate::common::{prepared, settle};

fn harness(startup: Startup) -> Harness<'static, RidgelineApp> {
    crate::common::harness(startup, egui::vec2(1280.0, 800.0))
}

fn dataset_shape(h: &Harness<'static, RidgelineApp>) -> (usize, usize) {
    let p = prepared(h);
    (p.dataset.n_rows(), p.dataset.n_features())
}

#[test]
fn opens_on_two_moons_and_says_so() {
    let mut h = harness(Startup::default());
    settle(&mut h);
    assert_eq!(dataset_shape(&h), (300, 2));
    h.get_by_label_contains("moons: 300 rows × 2 features, target 'class' (classification)");
    // The stratified 25 % split: 38 of each 150-point moon are held out (round(37.5) = 38).
    let p = prepared(&h);
    assert_eq!(p.split.test.len(), 76);
}

#[test]
fn picking_iris_from_the_dataset_list_loads_it() {
    let mut h = harness(Startup::default());
    settle(&mut h);
    h.get_by_role_and_label(Role::ComboBox, "Dataset").click();
    h.run_steps(2);
    h.get_by_label("iris").click();
    settle(&mut h);
    assert_eq!(dataset_shape(&h), (150, 4));
    let p = prepared(&h);
    assert_eq!(
        p.dataset.target.class_names(),
        &["setosa", "versicolor", "virginica"]
    );
    h.get_by_label_contains("iris: 150 rows × 4 features, target 'species'");
    // The feature list shows iris' columns.
    h.get_by_label("petal width");
}

#[test]
fn noise_slider_regenerates_the_data() {
    let mut h = harness(Startup::default());
    settle(&mut h);
    // Drag the noise slider all the way to the left: noise 0.
    let slider = h.get_by_role_and_label(Role::Slider, "noise");
    let rect = slider.rect();
    h.drag_at(rect.center());
    h.step();
    h.drop_at(rect.left_center() - egui::vec2(50.0, 0.0));
    settle(&mut h);
    let Source::Builtin(Builtin::Generated { noise, .. }) = h.state().settings.source else {
        panic!("still a generated dataset")
    };
    assert_eq!(noise, 0.0);
    // Without noise every moon point lies exactly on its unit half circle, centred at (0, 0)
    // for the upper moon and at (1, 0.5) for the lower one.
    let p = prepared(&h);
    let Target::Classes { y, .. } = &p.dataset.target else {
        panic!("classes")
    };
    for (row, &c) in p.dataset.x.rows().into_iter().zip(y) {
        let (cx, cy) = if c == 0 { (0.0, 0.0) } else { (1.0, 0.5) };
        let r = ((row[0] - cx).powi(2) + (row[1] - cy).powi(2)).sqrt();
        assert!((r - 1.0).abs() < 1e-9, "point off its arc: r = {r}");
    }
}

#[test]
fn typing_a_sample_count_changes_the_data() {
    let mut h = harness(Startup::default());
    settle(&mut h);
    // A click on the number field starts editing it; select its text and type a new count.
    h.get_by_role_and_label(Role::SpinButton, "samples").click();
    h.run_steps(2);
    h.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
    h.get_by_role_and_label(Role::SpinButton, "samples")
        .type_text("120");
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    assert_eq!(dataset_shape(&h), (120, 2));
    h.get_by_label_contains("moons: 120 rows × 2 features");
}

#[test]
fn choosing_another_target_column_turns_iris_into_regression() {
    let startup = Startup {
        source: Some(Source::Builtin(Builtin::Real(
            ridgeline::data::RealDataset::Iris,
        ))),
        ..Default::default()
    };
    let mut h = harness(startup);
    settle(&mut h);
    h.get_by_role_and_label(Role::ComboBox, "Target").click();
    h.run_steps(2);
    // The list item in the open popup (the feature list shows the name too).
    h.get_all_by_label("sepal length")
        .find(|n| n.accesskit_node().role() != Role::CheckBox)
        .expect("the popup's item")
        .click();
    settle(&mut h);
    let p = prepared(&h);
    assert_eq!(p.dataset.target_name, "sepal length");
    assert_eq!(p.dataset.target.task(), Task::Regression);
    assert_eq!(
        p.dataset.feature_names,
        vec!["sepal width", "petal length", "petal width"]
    );
    // species is text: shown, but not usable as a feature.
    assert_eq!(p.dataset.report.excluded_columns[0].0, "species");
    h.get_by_label_contains("target 'sepal length' (regression)");
}

#[test]
fn unticking_a_feature_and_undo() {
    let mut h = harness(Startup {
        source: Some(Source::Builtin(Builtin::Real(
            ridgeline::data::RealDataset::Iris,
        ))),
        ..Default::default()
    });
    settle(&mut h);
    h.get_by_role_and_label(Role::CheckBox, "sepal width")
        .click();
    settle(&mut h);
    assert_eq!(dataset_shape(&h), (150, 3));
    assert!(h.state().can_undo());
    h.get_by_label("Undo").click();
    settle(&mut h);
    assert_eq!(dataset_shape(&h), (150, 4));
    assert!(h.state().settings.roles.excluded.is_empty());
}

#[test]
fn table_tab_shows_column_statistics() {
    let mut h = harness(Startup {
        source: Some(Source::Builtin(Builtin::Real(
            ridgeline::data::RealDataset::Iris,
        ))),
        ..Default::default()
    });
    settle(&mut h);
    h.get_by_label("Table").click();
    settle(&mut h);
    // Fisher's iris: sepal length mean 5.8433 (876.5 / 150), min 4.3, max 7.9.
    h.get_by_label("5.8433");
    h.get_by_label("4.3");
    h.get_by_label("7.9");
    h.get_by_label("Rows").click();
    settle(&mut h);
    // The rows: iris' first row is 5.1, 3.5, 1.4, 0.2, setosa.
    assert!(h.get_all_by_label("3.5").count() >= 1);
    assert!(h.get_all_by_label("setosa").count() >= 1);
    assert!(
        h.query_by_label("5.8433").is_none(),
        "statistics are gone in rows mode"
    );
}

#[test]
fn a_vanished_file_from_last_session_is_reported_not_fatal() {
    let restored = Settings {
        source: Source::File("/nonexistent/ridgeline/gone.csv".into()),
        ..Default::default()
    };
    let mut h = harness(Startup {
        restored: Some(restored),
        ..Default::default()
    });
    settle(&mut h);
    assert_eq!(
        h.state().settings.source,
        Source::Builtin(Builtin::generated(Generator::Moons))
    );
    h.get_by_label_contains("gone.csv is no longer there");
}

#[test]
fn settings_survive_a_save_and_restore() {
    let mut s = Settings::default();
    s.prep.test_fraction = 0.4;
    s.roles.target = Some("x1".into());
    s.recent_files.push("/tmp/a.csv".into());
    let text = serde_json::to_string(&s).unwrap();
    let back: Settings = serde_json::from_str(&text).unwrap();
    assert_eq!(back, s);
    // Fields missing from an older save take their defaults.
    let old: Settings = serde_json::from_str("{\"recent_files\": [\"/x.csv\"]}").unwrap();
    assert_eq!(old.prep.test_fraction, 0.25);
    assert_eq!(old.recent_files, vec![std::path::PathBuf::from("/x.csv")]);
}

/// Rendered through wgpu (Mesa's lavapipe under CI): the default window, compared with the
/// committed snapshot `tests/snapshots/main_window.png`.
#[test]
fn the_default_window_renders_like_its_snapshot() {
    let mut h = harness(Startup::default());
    settle(&mut h);
    // Move the pointer away so no hover label is drawn.
    h.remove_cursor();
    h.run_steps(3);
    let timing = h.get_by_label_contains(" ms, map ").rect();
    let mut image = h
        .render()
        .expect("rendering needs Mesa's Vulkan or GL drivers");
    // Something was drawn: the moons are blue and orange dots on a dark background.
    let blue = egui::Color32::from_rgb(0, 114, 178);
    let has_blue = image
        .pixels()
        .any(|p| p.0[0] == blue.r() && p.0[1] == blue.g() && p.0[2] == blue.b());
    assert!(has_blue, "no class-0 dots were drawn");
    // Timings differ from run to run, and so does the width of their text: blank the line
    // out to the window's right edge before comparing (1 pixel per point).
    for y in timing.top() as u32..timing.bottom().ceil() as u32 {
        for x in timing.left() as u32..image.width() {
            if x < image.width() && y < image.height() {
                image.put_pixel(x, y, image::Rgba([255, 0, 255, 255]));
            }
        }
    }
    // A little slack for software rasterisers on other CPUs (anti-aliasing may differ).
    let options = egui_kittest::SnapshotOptions::new()
        .threshold(1.0)
        .max_failed_pixels(200);
    egui_kittest::image_snapshot_options(&image, "main_window", &options);
}

/// A file dropped on the window, as the windowing layer hands it to egui.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn drop_file(h: &mut Harness<'static, RidgelineApp>, path: &std::path::Path) {
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path.to_path_buf())));
    h.step();
}

#[test]
fn dropping_a_csv_opens_it_and_a_bad_one_keeps_the_data_on_screen() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("measurements.csv");
    // Semicolons, a quoted header, a missing cell (row dropped) and a text column.
    std::fs::write(
        &good,
        "\"width\";height;site;label\n1.5;2;north;a\n2.5;;south;b\n3.5;4;north;b\n4.5;5;east;a\n",
    )
    .unwrap();
    let mut h = harness(Startup::default());
    settle(&mut h);
    drop_file(&mut h, &good);
    settle(&mut h);
    let p = prepared(&h);
    assert_eq!(p.dataset.feature_names, vec!["width", "height"]);
    assert_eq!(
        p.dataset.n_rows(),
        3,
        "the row with a missing height is dropped"
    );
    assert_eq!(p.dataset.target.class_names(), &["a", "b"]);
    h.get_by_label_contains("measurements.csv: 3 rows × 2 features, target 'label' (classification); 1 row with missing values dropped");
    assert_eq!(h.state().settings.recent_files, vec![good.clone()]);

    // A ragged file: an error naming the line, and the measurements stay on screen.
    let bad = dir.path().join("ragged.csv");
    std::fs::write(&bad, "a,b,c\n1,2,3\n4,5\n").unwrap();
    drop_file(&mut h, &bad);
    settle(&mut h);
    h.get_by_label_contains("line 3");
    assert_eq!(h.state().settings.source, Source::File(good.clone()));
    let p = prepared(&h);
    assert_eq!(p.dataset.feature_names, vec!["width", "height"]);
    assert_eq!(h.state().settings.recent_files, vec![good]);
}

#[test]
fn the_command_line_target_is_resolved_by_index() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.csv");
    std::fs::write(&file, "y,x1,x2\n0,1,2\n1,3,4\n0,5,6\n1,7,8\n").unwrap();
    let mut h = harness(Startup {
        source: Some(Source::File(file)),
        target: Some("0".into()),
        ..Default::default()
    });
    settle(&mut h);
    assert_eq!(h.state().settings.roles.target.as_deref(), Some("y"));
    let p = prepared(&h);
    assert_eq!(p.dataset.feature_names, vec!["x1", "x2"]);
}

#[test]
fn f1_shows_the_shortcuts_and_f2_f3_and_ctrl_digits_work() {
    let mut h = crate::common::harness(Startup::default(), egui::vec2(900.0, 600.0));
    settle(&mut h);
    assert!(h.query_by_label("Help").is_none());
    h.key_press(egui::Key::F1);
    h.run_steps(2);
    h.get_by_label("Help");
    h.get_by_label("Ctrl+1 … Ctrl+7");
    assert!(h.state().settings.view.show_help);
    // F2 hides the data panel (its heading goes), F3 the model panel.
    h.get_by_label("Columns");
    h.key_press(egui::Key::F2);
    h.run_steps(2);
    assert!(h.query_by_label("Columns").is_none());
    assert!(h.state().settings.view.hide_data_panel);
    h.key_press(egui::Key::F3);
    h.run_steps(2);
    assert!(h.query_by_label("Estimator").is_none());
    // The top bar's toggle brings the data panel back.
    h.get_by_label("◂ Data").click();
    h.run_steps(2);
    h.get_by_label("Columns");
    // Ctrl+3: the Path view; Ctrl+5: Train; Ctrl+7: the table.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num3);
    h.run_steps(2);
    assert_eq!(h.state().settings.view.tab, ridgeline::app::Tab::Path);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num5);
    h.run_steps(2);
    assert_eq!(h.state().settings.view.tab, ridgeline::app::Tab::Train);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num7);
    h.run_steps(2);
    assert_eq!(h.state().settings.view.tab, ridgeline::app::Tab::Table);
}

#[test]
fn without_a_native_dialog_open_uses_one_drawn_in_the_window_and_takes_a_typed_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("typed.csv");
    std::fs::write(&file, "a,b,label\n1,2,x\n2,1,y\n3,3,x\n4,1,y\n").unwrap();
    let mut h = harness(Startup::default());
    settle(&mut h);
    h.get_by_label("Open…").click();
    // No xdg-desktop-portal here: the native dialog gives up at once, and the window's own
    // file dialog opens instead.
    let start = std::time::Instant::now();
    while h
        .query_by_label_contains("Open a CSV or TSV file")
        .is_none()
    {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "no dialog"
        );
    }
    crate::common::save_screenshot(&mut h, "open-in-window");
    // It only reads: nothing to rename files or make folders with.
    assert!(h.query_by_label("Rename").is_none() && h.query_by_label("New Folder").is_none());
    // Type the whole path into its path field (it starts at the working folder) and leave
    // the field: the dialog opens what the path names.
    let cwd = std::env::current_dir().unwrap().display().to_string();
    h.get_all_by_role(Role::TextInput)
        .find(|n| n.value().as_deref() == Some(cwd.as_str()))
        .expect("the dialog's path field")
        .focus();
    h.run_steps(1);
    for _ in 0..cwd.chars().count() {
        h.key_press(egui::Key::Backspace);
    }
    h.run_steps(1);
    let field = h
        .get_all_by_role(Role::TextInput)
        .find(|n| n.value().as_deref() == Some(""))
        .expect("the emptied path field");
    field.type_text(file.to_str().unwrap());
    h.run_steps(2);
    h.key_press(egui::Key::Tab);
    h.run_steps(3);
    settle(&mut h);
    assert_eq!(h.state().settings.source, Source::File(file.clone()));
    assert_eq!(crate::common::prepared(&h).dataset.n_rows(), 4);
    assert!(
        h.query_by_label_contains("Open a CSV or TSV file")
            .is_none()
    );
}

#[test]
fn export_writes_the_views_figures_and_the_model_into_the_chosen_folder() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(Startup::default());
    settle(&mut h);
    h.get_by_label("Export…").click();
    h.run_steps(2);
    // Point the folder field at a fresh folder.
    let default = h
        .get_all_by_role(Role::TextInput)
        .find(|n| n.value().is_some_and(|v| v.ends_with("ridgeline-exports")))
        .expect("the folder field");
    let typed = default.value().unwrap();
    default.focus();
    h.run_steps(1);
    for _ in 0..typed.chars().count() {
        h.key_press(egui::Key::Backspace);
    }
    h.run_steps(1);
    let target = dir.path().join("out");
    h.get_all_by_role(Role::TextInput)
        .find(|n| n.value().as_deref() == Some(""))
        .unwrap()
        .type_text(target.to_str().unwrap());
    h.run_steps(1);

    let wait_for = |h: &mut Harness<'static, RidgelineApp>, n: usize| {
        let start = std::time::Instant::now();
        loop {
            h.step();
            let count = std::fs::read_dir(&target).map_or(0, |d| d.count());
            if count >= n {
                return;
            }
            assert!(
                start.elapsed() < std::time::Duration::from_secs(20),
                "no export"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    };
    h.get_by_label("Figures: SVG + CSV").click();
    wait_for(&mut h, 2);
    let files: Vec<std::path::PathBuf> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let csv = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "csv"))
        .unwrap();
    let svg = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "svg"))
        .unwrap();
    assert!(
        csv.file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("model-boundary-")
    );
    let text = std::fs::read_to_string(csv).unwrap();
    assert_eq!(text.lines().next(), Some("series,kind,x,y"));
    // Every drawn point of class 0, train and test: the 150 points of the upper moon.
    let class0 = text
        .lines()
        .filter(|l| l.starts_with("class 0,point,") || l.starts_with("class 0 (test),point,"))
        .count();
    assert_eq!(class0, 150);
    assert!(std::fs::read_to_string(svg).unwrap().starts_with("<svg"));

    h.get_by_label("Fitted model: JSON").click();
    wait_for(&mut h, 3);
    let json = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(v["n_train"], 224);
    assert_eq!(v["features"], serde_json::json!(["x1", "x2"]));
    let ridgeline::estimators::Fitted::Svm(m) = &h.state().model().unwrap().result.fitted else {
        panic!("an SVM")
    };
    assert_eq!(v["n_support"], m.n_support());
    h.step();
    h.get_by_label_contains("wrote model-");
}

#[test]
fn a_session_saved_from_the_window_opens_to_the_same_settings_and_checks_its_data() {
    use ridgeline::app::Command;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d.csv");
    std::fs::write(
        &data,
        "a,b,label\n1,2,x\n2,1,y\n3,3,x\n4,1,y\n5,5,x\n6,2,y\n",
    )
    .unwrap();
    let session = dir.path().join("s.ridgeline.json");
    let mut h = harness(Startup::default());
    settle(&mut h);
    // Ctrl+S asks where to save, in a dialog drawn in the window.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run_steps(3);
    h.get_by_label_contains("Save the session");
    h.get_by_label("Cancel").click();
    h.run_steps(2);

    // A file, a C and a split of our own; then save (what the dialog sends).
    h.state_mut()
        .rt
        .commands
        .push(Command::OpenFile(data.clone()));
    settle(&mut h);
    h.state_mut().settings.model.spec.svm.c = 10.0;
    h.state_mut().settings.prep.test_fraction = 0.5;
    settle(&mut h);
    h.state_mut()
        .rt
        .commands
        .push(Command::SaveSession(session.clone()));
    let wait = |h: &mut Harness<'static, RidgelineApp>, text: &str| {
        let start = std::time::Instant::now();
        while !h
            .state()
            .rt
            .status
            .as_ref()
            .is_some_and(|s| s.text.contains(text))
        {
            h.step();
            std::thread::sleep(std::time::Duration::from_millis(5));
            assert!(
                start.elapsed() < std::time::Duration::from_secs(30),
                "waiting for {text:?}"
            );
        }
    };
    wait(&mut h, "session saved");
    assert!(session.exists());

    // Elsewhere: another dataset and C. Opening the session brings back its data and settings.
    h.state_mut()
        .rt
        .commands
        .push(Command::OpenBuiltin(Builtin::generated(Generator::Xor)));
    h.state_mut().settings.model.spec.svm.c = 0.5;
    settle(&mut h);
    h.state_mut()
        .rt
        .commands
        .push(Command::OpenSession(session.clone()));
    wait(&mut h, "the data matches the session");
    settle(&mut h);
    assert_eq!(h.state().settings.source, Source::File(data.clone()));
    assert_eq!(h.state().settings.model.spec.svm.c, 10.0);
    assert_eq!(h.state().settings.prep.test_fraction, 0.5);
    assert_eq!(crate::common::prepared(&h).dataset.n_rows(), 6);

    // The data file changed since: opening says so.
    std::fs::write(
        &data,
        "a,b,label\n1,2,x\n2,1,y\n3,3,x\n4,1,y\n5,5,x\n6,9,y\n",
    )
    .unwrap();
    h.state_mut()
        .rt
        .commands
        .push(Command::OpenBuiltin(Builtin::generated(Generator::Xor)));
    settle(&mut h);
    h.state_mut()
        .rt
        .commands
        .push(Command::OpenSession(session));
    wait(&mut h, "the data has changed since the session was saved");
    assert_eq!(
        h.state().rt.status.as_ref().unwrap().level,
        ridgeline::app::Level::Warning
    );
}

#[test]
fn a_bad_file_at_start_up_is_said_and_the_default_data_opens() {
    let missing = std::path::PathBuf::from("/nonexistent/ridgeline/none.csv");
    let mut h = harness(Startup {
        source: Some(Source::File(missing)),
        ..Default::default()
    });
    settle(&mut h);
    let status = h.state().rt.status.clone().expect("a message");
    assert!(status.level >= ridgeline::app::Level::Warning);
    assert!(
        status
            .text
            .contains("none.csv: no such file: opened the default dataset instead"),
        "{}",
        status.text
    );
    // The window goes on with the default data rather than nothing.
    assert_eq!(h.state().settings.source, Source::default());
    assert_eq!(crate::common::prepared(&h).dataset.n_rows(), 300);
    h.get_by_label_contains("none.csv");
}

#[test]
fn a_numeric_targets_bins_read_as_ranges() {
    let mut s = Settings {
        source: Source::Builtin(Builtin::Real(ridgeline::data::RealDataset::Diabetes)),
        ..Default::default()
    };
    s.view.tab = ridgeline::app::Tab::Scatter;
    let mut h = crate::common::harness(
        Startup {
            restored: Some(s),
            ..Default::default()
        },
        egui::vec2(1280.0, 800.0),
    );
    settle(&mut h);
    // Eight bins of progression from 25 to 346: the first runs from 25 to 65.125.
    assert!(
        h.get_all_by_label_contains("progression 25 to 65.125")
            .count()
            >= 1
    );
}
