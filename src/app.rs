//! The eframe application: persisted [`Settings`] (what the user chose) plus [`Runtime`] (what
//! was computed from it, never persisted).
//!
//! Each frame, [`RidgelineApp::logic`] drains finished jobs, applies queued [`Command`]s and, when
//! the settings ask for different data than what was last submitted, submits a job. The UI
//! functions in [`crate::ui`] only draw ready-made results and edit settings.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::analysis::contour::iso_lines;
use crate::analysis::live::{self, FitOn, LiveRequest, LiveResult, MapKind};
use crate::cli::GuiArgs;
use crate::data::builtin::Builtin;
use crate::data::dataset::{Dataset, Roles, build_dataset, resolve_column};
use crate::data::prep::{PrepSettings, Split, split};
use crate::data::stats::{ColumnStats, column_stats};
use crate::data::{Source, Table, load_source};
use crate::estimators::{EstimatorError, ModelKind, ModelSpec};
use crate::progress::Progress;
use crate::worker::{JobError, Lane};

/// Decision-map resolution when the hand stops, and while a slider is being dragged.
pub const GRID_FINE: usize = 200;
pub const GRID_COARSE: usize = 60;
/// The window fits an SVM on at most this many training rows (a seeded sample, and the view
/// says so): the solver's kernel matrix grows as n², and the picture should follow the hand.
pub const MAX_LIVE_SVM_ROWS: usize = 3_000;

/// Key of the settings in eframe's storage.
pub const SETTINGS_KEY: &str = "ridgeline-settings";
/// Most files remembered in the recent list.
pub const MAX_RECENT: usize = 10;
/// Most points drawn in a scatter plot; larger data is shown by a seeded random sample.
pub const MAX_DRAWN_POINTS: usize = 20_000;

/// The main views.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    /// The fitted model: decision boundary, regression diagnostics or principal axes.
    #[default]
    Model,
    Scatter,
    Table,
}

/// How the data table shows the data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TableMode {
    #[default]
    Columns,
    Rows,
}

/// What the user sees, remembered across restarts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewSettings {
    pub tab: Tab,
    pub table_mode: TableMode,
    /// Feature on the scatter plot's horizontal and vertical axes, by name.
    pub x_feature: Option<String>,
    pub y_feature: Option<String>,
    /// First column shown in the rows table (for very wide files).
    pub first_column: usize,
}

/// Everything the user chose; persisted with eframe's storage.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub source: Source,
    pub roles: Roles,
    pub prep: PrepSettings,
    pub view: ViewSettings,
    pub model: ModelSettings,
    pub recent_files: Vec<PathBuf>,
}

/// The estimator and how it is fitted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelSettings {
    pub spec: ModelSpec,
    pub fit_on: FitOn,
}

impl Settings {
    fn request(&self) -> DataRequest {
        DataRequest {
            source: self.source.clone(),
            roles: self.roles.clone(),
            prep: self.prep.clone(),
        }
    }

    /// Another table is coming: roles and axes named after the old columns no longer apply.
    pub fn forget_columns(&mut self) {
        self.roles = Roles::default();
        self.view.x_feature = None;
        self.view.y_feature = None;
        self.view.first_column = 0;
    }

    /// Put a file at the top of the recent list.
    pub fn remember_file(&mut self, path: &std::path::Path) {
        self.recent_files.retain(|p| p != path);
        self.recent_files.insert(0, path.to_path_buf());
        self.recent_files.truncate(MAX_RECENT);
    }
}

/// What the data job computes from.
#[derive(Clone, Debug, PartialEq)]
struct DataRequest {
    source: Source,
    roles: Roles,
    prep: PrepSettings,
}

/// What Undo restores: the data, columns, split and model settings.
#[derive(Clone, Debug, PartialEq)]
struct UndoState {
    data: DataRequest,
    model: ModelSettings,
}

/// A dataset ready for views and models.
#[derive(Debug)]
pub struct Prepared {
    pub dataset: Dataset,
    pub split: Split,
    /// Rows of `dataset` drawn in scatter plots (all of them up to [`MAX_DRAWN_POINTS`]).
    pub drawn_rows: Vec<usize>,
}

impl Prepared {
    /// Whether dataset row `i` is in the test part.
    pub fn is_test(&self, i: usize) -> bool {
        self.split.test.binary_search(&i).is_ok()
    }
}

/// The result of the data job: the table, its stats and the dataset the roles make of it.
#[derive(Debug)]
pub struct DataView {
    pub source: Source,
    pub roles: Roles,
    pub table: Arc<Table>,
    pub stats: Arc<Vec<ColumnStats>>,
    pub load_ms: f64,
    /// The dataset, or why the current roles cannot make one (the table stays visible).
    pub prepared: Result<Arc<Prepared>, String>,
}

/// A finished model update, with everything its view draws. It keeps the data it was fitted
/// on, so the last good picture stays consistent while a newer one computes.
pub struct ModelView {
    pub prepared: Arc<Prepared>,
    /// Dataset features on the horizontal and vertical axes.
    pub axes: (usize, usize),
    pub result: LiveResult,
    /// Made with the coarse grid while dragging.
    pub coarse: bool,
    /// Decision boundary polylines (f = 0, or p = ½), and SVM margins (f = ±1).
    pub boundary: Vec<Vec<[f64; 2]>>,
    pub margins: Vec<Vec<[f64; 2]>>,
    /// The decision map's image, until it is uploaded as a texture.
    pub image: Option<egui::ColorImage>,
}

/// What a model update was computed from.
#[derive(Clone, Debug, PartialEq)]
struct ModelKey {
    prepared: usize,
    request: LiveRequest,
}

/// Something the user asked for, applied once per frame by [`RidgelineApp::logic`].
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Open a file as the data source (roles reset to defaults).
    OpenFile(PathBuf),
    /// Switch to a built-in dataset (roles reset to defaults).
    OpenBuiltin(Builtin),
    /// Ask the OS for a file to open (native dialog, off the UI thread).
    ShowOpenDialog,
    /// Stop the running data job.
    CancelLoad,
    /// Undo the last change of settings.
    Undo,
}

/// How important a status message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// The message in the status line.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    pub level: Level,
    pub text: String,
}

/// Everything computed or in flight; never persisted.
pub struct Runtime {
    data_lane: Lane<DataView>,
    /// The request of the newest submitted job and that job's progress.
    submitted: Option<(DataRequest, u64, Arc<Progress>)>,
    /// A `--target` given on the command line, resolved once the table is read.
    target_spec: Option<String>,
    /// Generation of the job that resolves `target_spec`.
    target_spec_generation: Option<u64>,
    /// Something said at start-up (a vanished file) that the first result must not hide.
    startup_notice: Option<String>,
    pub data: Option<DataView>,
    model_lane: Lane<ModelView>,
    model_submitted: Option<ModelKey>,
    pub model: Option<ModelView>,
    /// Why the newest model update failed (the last good picture stays).
    pub model_error: Option<String>,
    pub map_texture: Option<egui::TextureHandle>,
    pub status: Option<Status>,
    pub commands: Vec<Command>,
    dialog: Option<crossbeam_channel::Receiver<(Option<PathBuf>, std::time::Duration)>>,
    undo: Vec<UndoState>,
    /// The undoable settings at the end of the previous frame, to notice changes.
    last_request: Option<UndoState>,
    screenshot: Option<ScreenshotState>,
    /// Don't write settings on exit (screenshot runs and tests).
    pub persist: bool,
}

struct ScreenshotState {
    path: PathBuf,
    /// Frames drawn since the data became ready (a few, so plots settle).
    settled_frames: u32,
    requested: bool,
    done: Arc<std::sync::atomic::AtomicBool>,
}

/// How the app starts.
#[derive(Clone, Debug, Default)]
pub struct Startup {
    /// Settings remembered from the last session, if any.
    pub restored: Option<Settings>,
    /// `--data FILE` / `--dataset NAME`.
    pub source: Option<Source>,
    /// `--target COL` (name or 0-based index).
    pub target: Option<String>,
    /// `--screenshot OUT.png`.
    pub screenshot: Option<PathBuf>,
    /// `--view`.
    pub tab: Option<Tab>,
    /// `--model`.
    pub model: Option<ModelKind>,
    /// `--model lasso|ridge` preset the elastic net's l1_ratio.
    pub l1_ratio: Option<f64>,
    /// `--all-features`.
    pub all_features: bool,
}

pub struct RidgelineApp {
    pub settings: Settings,
    pub rt: Runtime,
}

impl RidgelineApp {
    pub fn new(ctx: &egui::Context, startup: Startup) -> Self {
        crate::ui::theme::install_fonts(ctx);
        let repaint_ctx = ctx.clone();
        let data_lane = Lane::new("ridgeline-data", move || repaint_ctx.request_repaint());
        let repaint_ctx = ctx.clone();
        let model_lane = Lane::new("ridgeline-model", move || repaint_ctx.request_repaint());
        let mut settings = startup.restored.clone().unwrap_or_default();
        let mut startup_notice = None;
        if let Some(source) = startup.source.clone() {
            if source != settings.source {
                settings.forget_columns();
            }
            settings.source = source;
        } else if let Source::File(path) = &settings.source
            && !path.exists()
        {
            startup_notice = Some(format!(
                "{} is no longer there: opened the default dataset instead",
                path.display()
            ));
            settings.source = Source::default();
            settings.forget_columns();
        }
        if let Some(tab) = startup.tab {
            settings.view.tab = tab;
        }
        if let Some(kind) = startup.model {
            settings.model.spec.kind = kind;
        }
        if let Some(r) = startup.l1_ratio {
            settings.model.spec.elastic_net.l1_ratio = r;
        }
        if startup.all_features {
            settings.model.fit_on = FitOn::AllFeatures;
        }
        let screenshot = startup.screenshot.map(|path| ScreenshotState {
            path,
            settled_frames: 0,
            requested: false,
            done: Arc::default(),
        });
        Self {
            settings,
            rt: Runtime {
                data_lane,
                submitted: None,
                target_spec: startup.target,
                target_spec_generation: None,
                data: None,
                model_lane,
                model_submitted: None,
                model: None,
                model_error: None,
                map_texture: None,
                status: startup_notice.clone().map(|text| Status {
                    level: Level::Warning,
                    text,
                }),
                startup_notice,
                commands: Vec::new(),
                dialog: None,
                undo: Vec::new(),
                last_request: None,
                persist: screenshot.is_none(),
                screenshot,
            },
        }
    }

    /// Create from eframe, restoring the last session unless `--fresh`.
    pub fn from_creation_context(
        cc: &eframe::CreationContext<'_>,
        args: &GuiArgs,
    ) -> Result<Self, String> {
        let restored = if args.fresh {
            None
        } else {
            cc.storage
                .and_then(|s| eframe::get_value::<Settings>(s, SETTINGS_KEY))
        };
        let source = match (&args.data, &args.dataset) {
            (Some(path), _) => Some(Source::File(path.clone())),
            (None, Some(name)) => Some(Source::Builtin(Builtin::from_name(name, 300, None, 0)?)),
            (None, None) => None,
        };
        let tab = match args.view.as_deref() {
            None => None,
            Some("model") => Some(Tab::Model),
            Some("data" | "scatter") => Some(Tab::Scatter),
            Some("table") => Some(Tab::Table),
            Some(other) => {
                return Err(format!(
                    "unknown view '{other}' (views: model, scatter, table)"
                ));
            }
        };
        let (model, l1_ratio) = match args.model.as_deref() {
            None => (None, None),
            Some("svm") => (Some(ModelKind::Svm), None),
            Some("logistic") => (Some(ModelKind::Logistic), None),
            Some("lasso") => (Some(ModelKind::ElasticNet), Some(1.0)),
            Some("ridge") => (Some(ModelKind::ElasticNet), Some(0.0)),
            Some("pca") => (Some(ModelKind::Pca), None),
            Some(_) => (Some(ModelKind::ElasticNet), None),
        };
        Ok(Self::new(
            &cc.egui_ctx,
            Startup {
                restored,
                source,
                target: args.target.clone(),
                screenshot: args.screenshot.clone(),
                tab,
                model,
                l1_ratio,
                all_features: args.all_features,
            },
        ))
    }

    /// Whether a data or model job is pending or running.
    pub fn is_busy(&self) -> bool {
        self.rt.data_lane.is_busy() || self.rt.model_lane.is_busy()
    }

    /// Whether a model update is pending or running.
    pub fn model_busy(&self) -> bool {
        self.rt.model_lane.is_busy()
    }

    /// Progress of the running data job, for the status bar.
    pub fn load_progress(&self) -> Option<(f32, Arc<Progress>)> {
        let (_, _, progress) = self.rt.submitted.as_ref()?;
        if !self.rt.data_lane.is_busy() {
            return None;
        }
        Some((progress.fraction().unwrap_or(0.0), Arc::clone(progress)))
    }

    pub fn set_status(&mut self, level: Level, text: impl Into<String>) {
        self.rt.status = Some(Status {
            level,
            text: text.into(),
        });
    }

    /// Per-frame logic: results in, commands applied, jobs out. Never blocks.
    pub fn step(&mut self, ctx: &egui::Context) {
        self.take_dropped_files(ctx);
        self.poll_dialog();
        for command in std::mem::take(&mut self.rt.commands) {
            self.apply(command);
        }
        self.drain_results();
        self.submit_if_changed();
        self.drain_model_results(ctx);
        self.submit_model_if_changed(ctx);
        self.track_undo(ctx);
        self.drive_screenshot(ctx);
    }

    fn apply(&mut self, command: Command) {
        match command {
            Command::OpenFile(path) => {
                self.settings.source = Source::File(path);
                self.settings.forget_columns();
            }
            Command::OpenBuiltin(b) => {
                let same_columns = matches!(
                    (&self.settings.source, &b),
                    (Source::Builtin(Builtin::Generated { kind: a, .. }), Builtin::Generated { kind: c, .. }) if a == c
                );
                self.settings.source = Source::Builtin(b);
                if !same_columns {
                    self.settings.forget_columns();
                }
            }
            Command::ShowOpenDialog => {
                if self.rt.dialog.is_none() {
                    self.rt.dialog = Some(crate::worker::pick_file_dialog());
                }
            }
            Command::CancelLoad => {
                self.rt.data_lane.cancel();
            }
            Command::Undo => {
                if let Some(previous) = self.rt.undo.pop() {
                    self.settings.source = previous.data.source.clone();
                    self.settings.roles = previous.data.roles.clone();
                    self.settings.prep = previous.data.prep.clone();
                    self.settings.model = previous.model.clone();
                    self.rt.last_request = Some(previous);
                    self.set_status(Level::Info, "undone");
                }
            }
        }
    }

    fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            self.rt.commands.push(Command::OpenFile(path));
        }
    }

    fn poll_dialog(&mut self) {
        let Some(rx) = &self.rt.dialog else { return };
        match rx.try_recv() {
            Ok((Some(path), _)) => {
                self.rt.dialog = None;
                self.apply(Command::OpenFile(path));
            }
            Ok((None, open_for)) => {
                self.rt.dialog = None;
                if open_for < std::time::Duration::from_millis(300) {
                    self.set_status(
                        Level::Warning,
                        "no file dialog could be shown (it needs xdg-desktop-portal): drop the file on the window, or start with --data FILE",
                    );
                }
            }
            Err(crossbeam_channel::TryRecvError::Empty) => {}
            Err(crossbeam_channel::TryRecvError::Disconnected) => {
                self.rt.dialog = None;
                self.set_status(Level::Error, "the file dialog could not be shown");
            }
        }
    }

    fn submit_if_changed(&mut self) {
        let request = self.settings.request();
        if self
            .rt
            .submitted
            .as_ref()
            .is_some_and(|(r, _, _)| *r == request)
        {
            return;
        }
        let cached = self.rt.data.as_ref().map(|d| {
            (
                d.source.clone(),
                Arc::clone(&d.table),
                Arc::clone(&d.stats),
                d.load_ms,
            )
        });
        let target_spec = self.rt.target_spec.take();
        let has_spec = target_spec.is_some();
        let job_request = request.clone();
        let (generation, progress) = self
            .rt
            .data_lane
            .submit(move |progress| data_job(job_request, cached, target_spec, progress));
        if has_spec {
            self.rt.target_spec_generation = Some(generation);
        }
        self.rt.submitted = Some((request, generation, progress));
    }

    fn drain_results(&mut self) {
        while let Some(done) = self.rt.data_lane.try_recv() {
            if done.generation != self.rt.data_lane.latest_generation() {
                continue; // stale: a newer request is on its way
            }
            match done.result {
                Ok(view) => {
                    if let Source::File(path) = &view.source {
                        self.settings.remember_file(path);
                    }
                    // A `--target` resolved by the job becomes the user's choice.
                    if self.rt.target_spec_generation == Some(done.generation) {
                        self.settings.roles = view.roles.clone();
                        if let Some((req, _, _)) = &mut self.rt.submitted {
                            req.roles = view.roles.clone();
                        }
                    }
                    let mut status = match &view.prepared {
                        Ok(p) => {
                            let mut text = format!(
                                "{}: {} rows × {} features, target '{}' ({})",
                                view.table.name,
                                p.dataset.n_rows(),
                                p.dataset.n_features(),
                                p.dataset.target_name,
                                p.dataset.target.task().name()
                            );
                            let dropped = p.dataset.report.dropped_rows;
                            if dropped > 0 {
                                let rows = if dropped == 1 { "row" } else { "rows" };
                                text += &format!("; {dropped} {rows} with missing values dropped");
                            }
                            if view.load_ms >= 1.0 {
                                text += &format!("; read in {:.0} ms", view.load_ms);
                            }
                            Status {
                                level: if dropped > 0 || !view.table.notes.is_empty() {
                                    Level::Warning
                                } else {
                                    Level::Info
                                },
                                text,
                            }
                        }
                        Err(e) => Status {
                            level: Level::Error,
                            text: e.clone(),
                        },
                    };
                    if let Some(notice) = self.rt.startup_notice.take() {
                        status.text = format!("{notice}. {}", status.text);
                        status.level = status.level.max(Level::Warning);
                    }
                    self.rt.status = Some(status);
                    self.rt.data = Some(view);
                }
                Err(JobError::Cancelled) => {
                    self.set_status(Level::Info, "loading cancelled");
                    self.revert_source();
                }
                Err(e) => {
                    let text = e.to_string();
                    self.set_status(Level::Error, text);
                    self.revert_source();
                }
            }
        }
    }

    /// After a failed load: go back to the data on screen (nothing is lost), or to the default
    /// dataset when nothing was loaded yet.
    fn revert_source(&mut self) {
        match &self.rt.data {
            Some(view) => {
                self.settings.source = view.source.clone();
                self.settings.roles = view.roles.clone();
            }
            None => {
                self.settings.source = Source::default();
                self.settings.roles = Roles::default();
            }
        }
        // What is on screen is what the settings now ask for: no need to resubmit.
        if let (Some(view), Some((req, _, _))) = (&self.rt.data, &mut self.rt.submitted) {
            req.source = view.source.clone();
            req.roles = view.roles.clone();
            req.prep = self.settings.prep.clone();
        }
    }

    /// Remember the data and model settings before each change, for Undo. A drag counts
    /// once, when released. View choices (tab, axes) are not undone.
    fn track_undo(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.pointer.any_down()) {
            return;
        }
        let now = UndoState {
            data: self.settings.request(),
            model: self.settings.model.clone(),
        };
        match &self.rt.last_request {
            Some(last) if *last != now => {
                self.rt.undo.push(last.clone());
                if self.rt.undo.len() > 100 {
                    self.rt.undo.remove(0);
                }
                self.rt.last_request = Some(now);
            }
            Some(_) => {}
            None => self.rt.last_request = Some(now),
        }
    }

    /// The model update the settings ask for, if the model view is shown and the data is ready.
    fn model_request(&self, coarse: bool) -> Option<(Arc<Prepared>, LiveRequest)> {
        if self.settings.view.tab != Tab::Model {
            return None;
        }
        let prepared = self.rt.data.as_ref()?.prepared.as_ref().ok()?.clone();
        let axes = crate::ui::scatter::feature_axes_of(&self.settings.view, &prepared);
        Some((
            prepared,
            LiveRequest {
                spec: self.settings.model.spec.clone(),
                // A regression's coefficient chart is about every feature.
                fit_on: if self.settings.model.spec.kind == crate::estimators::ModelKind::ElasticNet
                {
                    FitOn::AllFeatures
                } else {
                    self.settings.model.fit_on
                },
                axes,
                grid_size: if coarse { GRID_COARSE } else { GRID_FINE },
                standardize: self.settings.prep.standardize,
                max_svm_rows: Some(MAX_LIVE_SVM_ROWS),
            },
        ))
    }

    /// Submit a model update when what it depends on changed. While the pointer is down (a
    /// slider being dragged) the update is coarse; when the hand stops it is refined.
    fn submit_model_if_changed(&mut self, ctx: &egui::Context) {
        let dragging = ctx.input(|i| i.pointer.any_down());
        let Some((prepared, fine)) = self.model_request(false) else {
            return;
        };
        if let Err(e) = self.settings.model.spec.validate() {
            // Shown inline by the controls; nothing is submitted.
            self.rt.model_error = Some(e.to_string());
            return;
        }
        let key_of = |request: &LiveRequest| ModelKey {
            prepared: Arc::as_ptr(&prepared) as usize,
            request: request.clone(),
        };
        let fine_key = key_of(&fine);
        let mut coarse_request = fine.clone();
        coarse_request.grid_size = GRID_COARSE;
        let coarse_key = key_of(&coarse_request);
        let (key, request, coarse) = match &self.rt.model_submitted {
            Some(k) if *k == fine_key => return,
            Some(k) if *k == coarse_key && dragging => return,
            _ if dragging => (coarse_key, coarse_request, true),
            _ => (fine_key, fine, false),
        };
        self.rt.model_submitted = Some(key);
        let axes = request.axes;
        self.rt
            .model_lane
            .submit(move |progress| model_job(prepared, request, axes, coarse, progress));
    }

    fn drain_model_results(&mut self, ctx: &egui::Context) {
        while let Some(done) = self.rt.model_lane.try_recv() {
            if done.generation != self.rt.model_lane.latest_generation() {
                continue;
            }
            match done.result {
                Ok(mut view) => {
                    if let Some(image) = view.image.take() {
                        match &mut self.rt.map_texture {
                            Some(t) => t.set(image, egui::TextureOptions::LINEAR),
                            None => {
                                self.rt.map_texture = Some(ctx.load_texture(
                                    "decision-map",
                                    image,
                                    egui::TextureOptions::LINEAR,
                                ));
                            }
                        }
                    }
                    self.rt.model_error = None;
                    self.rt.model = Some(view);
                }
                Err(JobError::Cancelled) => {}
                Err(e) => self.rt.model_error = Some(e.to_string()),
            }
        }
    }

    /// Whether the app is about to photograph itself (`--screenshot`).
    pub fn is_taking_screenshot(&self) -> bool {
        self.rt.screenshot.is_some()
    }

    pub fn can_undo(&self) -> bool {
        !self.rt.undo.is_empty()
    }

    fn drive_screenshot(&mut self, ctx: &egui::Context) {
        let ready = self.rt.data.is_some() && !self.is_busy();
        let Some(shot) = &mut self.rt.screenshot else {
            return;
        };
        if shot.done.load(std::sync::atomic::Ordering::SeqCst) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        if !ready || shot.requested {
            ctx.request_repaint();
            return;
        }
        shot.settled_frames += 1;
        if shot.settled_frames >= 10 {
            shot.requested = true;
            let path = shot.path.clone();
            let done = Arc::clone(&shot.done);
            let repaint = ctx.clone();
            ctx.request_screenshot(move |image| {
                if let Err(e) = crate::ui::save_png(&image, &path) {
                    eprintln!("error: could not save the screenshot: {e}");
                } else {
                    eprintln!("saved {}", path.display());
                }
                done.store(true, std::sync::atomic::Ordering::SeqCst);
                repaint.request_repaint();
            });
        }
        ctx.request_repaint();
    }
}

/// A table already read: its source, stats and load time, reused when only roles change.
type CachedTable = (Source, Arc<Table>, Arc<Vec<ColumnStats>>, f64);

/// The data job: read (or reuse) the table, resolve roles, build and split the dataset.
fn data_job(
    request: DataRequest,
    cached: Option<CachedTable>,
    target_spec: Option<String>,
    progress: &Progress,
) -> Result<DataView, JobError> {
    let (table, stats, load_ms) = match cached {
        Some((source, table, stats, ms)) if source == request.source => (table, stats, ms),
        _ => {
            let start = Instant::now();
            let table = load_source(&request.source, progress).map_err(|e| {
                if e.is_cancelled() {
                    JobError::Cancelled
                } else {
                    JobError::Failed(e.to_string())
                }
            })?;
            let load_ms = start.elapsed().as_secs_f64() * 1e3;
            let stats = Arc::new(column_stats(&table));
            (Arc::new(table), stats, load_ms)
        }
    };
    let mut roles = request.roles.clone();
    if let Some(spec) = target_spec {
        roles.target =
            Some(resolve_column(&table, &spec).map_err(|e| JobError::Failed(e.to_string()))?);
    }
    let prepared = build_dataset(&table, &roles)
        .map(|dataset| {
            let split = split(&dataset.target, &request.prep);
            let drawn_rows = sample_rows(dataset.n_rows(), MAX_DRAWN_POINTS, request.prep.seed);
            Arc::new(Prepared {
                dataset,
                split,
                drawn_rows,
            })
        })
        .map_err(|e| e.to_string());
    Ok(DataView {
        source: request.source,
        roles,
        table,
        stats,
        load_ms,
        prepared,
    })
}

/// The model job: fit, score, evaluate the map, trace its contours and colour it.
fn model_job(
    prepared: Arc<Prepared>,
    request: LiveRequest,
    axes: (usize, usize),
    coarse: bool,
    progress: &Progress,
) -> Result<ModelView, JobError> {
    let result =
        live::run(&prepared.dataset, &prepared.split, &request, progress).map_err(|e| match e {
            EstimatorError::Cancelled => JobError::Cancelled,
            e => JobError::Failed(e.to_string()),
        })?;
    let mut boundary = Vec::new();
    let mut margins = Vec::new();
    let mut image = None;
    if let Some(map) = &result.map {
        let k = map.values.ncols();
        let column = |c: usize| map.values.column(c).to_vec();
        match (map.kind, k) {
            (MapKind::Decision, 1) => {
                let f = column(0);
                boundary = iso_lines(&map.spec, &f, 0.0);
                margins = iso_lines(&map.spec, &f, 1.0);
                margins.extend(iso_lines(&map.spec, &f, -1.0));
            }
            (MapKind::Probability, 2) => boundary = iso_lines(&map.spec, &column(1), 0.5),
            _ => {
                // Several classes: where each class's score meets the best of the others.
                for c in 0..k {
                    let g: Vec<f64> = map
                        .values
                        .rows()
                        .into_iter()
                        .map(|r| {
                            let best_other = (0..k)
                                .filter(|&o| o != c)
                                .map(|o| r[o])
                                .fold(f64::NEG_INFINITY, f64::max);
                            r[c] - best_other
                        })
                        .collect();
                    boundary.extend(iso_lines(&map.spec, &g, 0.0));
                }
            }
        }
        image = Some(crate::ui::theme::map_image(
            map.values.view(),
            map.spec.nx,
            map.spec.ny,
            map.kind == MapKind::Probability,
        ));
    }
    Ok(ModelView {
        prepared,
        axes,
        result,
        coarse,
        boundary,
        margins,
        image,
    })
}

/// All of `0..n` when `n ≤ max`, else a seeded random `max` of them, sorted.
fn sample_rows(n: usize, max: usize, seed: u64) -> Vec<usize> {
    if n <= max {
        return (0..n).collect();
    }
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut rows = rand::seq::index::sample(&mut rng, n, max).into_vec();
    rows.sort_unstable();
    rows
}

impl eframe::App for RidgelineApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.step(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        crate::ui::app_ui(ui, self);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.rt.persist {
            eframe::set_value(storage, SETTINGS_KEY, &self.settings);
        }
    }
}

/// Open the window.
pub fn run_native(args: GuiArgs) -> Result<(), String> {
    let icon = eframe::icon_data::from_png_bytes(include_bytes!("../assets/icon-256.png"))
        .map_err(|e| format!("icon: {e}"))?;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Ridgeline")
            .with_app_id("ridgeline")
            .with_icon(Arc::new(icon))
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "ridgeline",
        options,
        Box::new(move |cc| {
            RidgelineApp::from_creation_context(cc, &args)
                .map(|app| Box::new(app) as Box<dyn eframe::App>)
                .map_err(Into::into)
        }),
    )
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::time::{Duration, Instant};

    /// eframe's storage, in memory.
    #[derive(Default)]
    struct MemoryStorage(HashMap<String, String>);

    impl eframe::Storage for MemoryStorage {
        fn get_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
        fn set_string(&mut self, key: &str, value: String) {
            self.0.insert(key.to_string(), value);
        }
        fn remove_string(&mut self, key: &str) {
            self.0.remove(key);
        }
        fn flush(&mut self) {}
    }

    fn settle(app: &mut RidgelineApp, ctx: &egui::Context) {
        let start = Instant::now();
        loop {
            app.step(ctx);
            if !app.is_busy() && app.rt.data.is_some() && app.rt.commands.is_empty() {
                app.step(ctx);
                if !app.is_busy() {
                    return;
                }
            }
            assert!(start.elapsed() < Duration::from_secs(30));
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_panicking_job_is_reported_and_the_data_and_settings_stay() {
        let ctx = egui::Context::default();
        let mut app = RidgelineApp::new(&ctx, Startup::default());
        app.settings.prep.test_fraction = 0.4;
        settle(&mut app, &ctx);
        let settings = app.settings.clone();
        let rows = app.rt.data.as_ref().unwrap().table.n_rows;

        app.rt
            .data_lane
            .submit(|_| -> Result<DataView, JobError> { panic!("a bug in a data job") });
        settle(&mut app, &ctx);
        let status = app.rt.status.clone().unwrap();
        assert_eq!(status.level, Level::Error);
        assert_eq!(
            status.text,
            "internal error (please report it): a bug in a data job"
        );
        assert_eq!(app.settings, settings);
        assert_eq!(app.rt.data.as_ref().unwrap().table.n_rows, rows);

        // The model lane too: the message is shown and the last picture stays.
        let had_model = app.rt.model.is_some();
        app.rt
            .model_lane
            .submit(|_| -> Result<ModelView, JobError> { panic!("a bug in a fit") });
        settle(&mut app, &ctx);
        assert_eq!(
            app.rt.model_error.as_deref(),
            Some("internal error (please report it): a bug in a fit")
        );
        assert_eq!(app.rt.model.is_some(), had_model);
        // …and the app goes on working: a new change is computed as usual.
        app.settings.prep.test_fraction = 0.2;
        settle(&mut app, &ctx);
        let p = app.rt.data.as_ref().unwrap().prepared.clone().unwrap();
        assert_eq!(p.split.test.len(), 60, "20 % of 300 moons");
    }

    #[test]
    fn settings_are_saved_and_restored_through_eframe_storage() {
        let ctx = egui::Context::default();
        let mut app = RidgelineApp::new(&ctx, Startup::default());
        app.settings.prep.seed = 42;
        app.settings.model.spec.kind = ModelKind::Pca;
        app.settings.view.tab = Tab::Table;
        let mut storage = MemoryStorage::default();
        eframe::App::save(&mut app, &mut storage);
        let restored: Settings = eframe::get_value(&storage, SETTINGS_KEY).unwrap();
        assert_eq!(restored, app.settings);

        let again = RidgelineApp::new(
            &ctx,
            Startup {
                restored: Some(restored),
                ..Default::default()
            },
        );
        assert_eq!(again.settings.prep.seed, 42);
        assert_eq!(again.settings.model.spec.kind, ModelKind::Pca);
        assert_eq!(again.settings.view.tab, Tab::Table);

        // A screenshot run never writes the user's settings.
        let mut shot = RidgelineApp::new(
            &ctx,
            Startup {
                screenshot: Some("/tmp/x.png".into()),
                ..Default::default()
            },
        );
        let mut untouched = MemoryStorage::default();
        eframe::App::save(&mut shot, &mut untouched);
        assert!(untouched.0.is_empty());
    }
}
