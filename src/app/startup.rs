//! How the app starts: restored settings, command-line choices, the native window.

use std::path::PathBuf;
use std::sync::Arc;

use crate::analysis::live::FitOn;
use crate::cli::{GuiArgs, ModelArg};
use crate::data::Source;
use crate::data::builtin::Builtin;
use crate::estimators::ModelKind;
use crate::state::{Level, Settings, Status, Tab};

use super::computations::Computations;
use super::screenshot::ScreenshotState;
use super::{RidgelineApp, Runtime, SETTINGS_KEY};

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
    /// `--task`.
    pub task: Option<crate::data::dataset::TaskChoice>,
    /// `--curve`.
    pub curve: Option<crate::state::settings::CurveKind>,
    /// `--play`: the Train view's run plays from the start.
    pub play: bool,
}

impl RidgelineApp {
    pub fn new(ctx: &egui::Context, startup: Startup) -> Self {
        crate::ui::theme::install_fonts(ctx);
        let repaint_ctx = ctx.clone();
        let jobs = Computations::new(move || repaint_ctx.request_repaint());
        let mut settings = startup.restored.clone().unwrap_or_default();
        let mut startup_notice = None;
        let notes = settings.sanitize();
        if !notes.is_empty() {
            startup_notice = Some(format!(
                "saved settings out of range were reset to defaults: {}",
                notes.join("; ")
            ));
        }
        if let Some(source) = startup.source.clone() {
            if source != settings.source {
                settings.forget_columns();
            }
            settings.source = source;
        } else if let Source::File(path) = &settings.source
            && !path.exists()
        {
            let vanished = format!(
                "{} is no longer there: opened the default dataset instead",
                path.display()
            );
            startup_notice = Some(match startup_notice.take() {
                Some(other) => format!("{other}. {vanished}"),
                None => vanished,
            });
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
        if let Some(task) = startup.task {
            settings.roles.task = task;
        }
        if let Some(curve) = startup.curve {
            settings.view.curve = curve;
        }
        let screenshot = startup.screenshot.map(ScreenshotState::new);
        Self {
            settings,
            rt: Runtime {
                jobs,
                status: startup_notice.clone().map(|text| Status {
                    level: Level::Warning,
                    text,
                }),
                commands: Vec::new(),
                param_error: None,
                target_spec: startup.target,
                target_spec_generation: None,
                startup_notice,
                dialog: None,
                no_native_dialog: false,
                open_in_window: false,
                png_request: None,
                session_io: None,
                session_check: None,
                undo: Default::default(),
                persist: screenshot.is_none(),
                train: super::train::TrainState::playing(startup.play),
                quit_at: None,
                screenshot,
            },
            views: Default::default(),
        }
    }

    /// Create from eframe, restoring the last session unless `--fresh`.
    pub fn from_creation_context(
        cc: &eframe::CreationContext<'_>,
        args: &GuiArgs,
    ) -> Result<Self, String> {
        let mut notice = None;
        let restored = if args.fresh {
            None
        } else {
            let (restored, n) = restore(cc.storage, eframe::storage_dir("ridgeline"));
            notice = n;
            restored
        };
        let source = match (args.data.as_ref().or(args.file.as_ref()), &args.dataset) {
            (Some(path), _) => Some(Source::File(path.clone())),
            (None, Some(name)) => Some(Source::Builtin(Builtin::from_name(name, 300, None, 0)?)),
            (None, None) => None,
        };
        let (model, l1_ratio) = match args.model {
            None => (None, None),
            Some(m) => (Some(m.kind()), m.l1_ratio()),
        };
        let mut app = Self::new(
            &cc.egui_ctx,
            Startup {
                restored,
                source,
                target: args.target.clone(),
                screenshot: args.screenshot.clone(),
                tab: args.view.map(|v| v.tab()),
                model,
                l1_ratio,
                all_features: args.all_features,
                task: args.task.map(Into::into),
                curve: args.curve.map(Into::into),
                play: args.play,
            },
        );
        app.rt.quit_at = args
            .quit_after
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| std::time::Instant::now() + std::time::Duration::from_secs_f64(s.min(1e6)));
        // `--fresh` is for one run: the saved session stays as it was.
        if args.fresh {
            app.rt.persist = false;
        }
        if let Some(text) = notice {
            app.rt.startup_notice = Some(match app.rt.startup_notice.take() {
                Some(other) => format!("{other}. {text}"),
                None => text,
            });
            app.rt.status = app.rt.startup_notice.clone().map(|text| Status {
                level: Level::Warning,
                text,
            });
        }
        Ok(app)
    }
}

/// The saved settings, made safe to use, and what the user should be told about them. A
/// settings text that cannot be read is copied aside (with the time in its name) before the
/// defaults replace it on exit, so nothing the user had is lost without a word.
pub(super) fn restore(
    storage: Option<&dyn eframe::Storage>,
    aside_dir: Option<PathBuf>,
) -> (Option<Settings>, Option<String>) {
    let Some(storage) = storage else {
        return (None, None);
    };
    let Some(text) = storage.get_string(SETTINGS_KEY) else {
        return (None, None);
    };
    match eframe::get_value::<Settings>(storage, SETTINGS_KEY) {
        // Values out of range are brought back by `RidgelineApp::new`, which says so.
        Some(settings) => (Some(settings), None),
        None => {
            let kept = keep_aside(&text, aside_dir);
            let notice = match kept {
                Ok(path) => format!(
                    "the saved settings could not be read: started from defaults; the old \
                     settings are kept in {}",
                    path.display()
                ),
                Err(e) => format!(
                    "the saved settings could not be read (started from defaults), nor kept \
                     aside: {e}"
                ),
            };
            (None, Some(notice))
        }
    }
}

/// Write unreadable settings to `settings-unreadable-<unix seconds>.ron` in `dir` (eframe's
/// storage folder for this app).
fn keep_aside(text: &str, dir: Option<PathBuf>) -> Result<PathBuf, String> {
    let dir = dir.ok_or("no storage folder")?;
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let path = dir.join(format!("settings-unreadable-{secs}.ron"));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// The model a `--model` value names, with the l1_ratio that lasso and ridge preset.
impl ModelArg {
    pub fn kind(self) -> ModelKind {
        match self {
            ModelArg::Svm => ModelKind::Svm,
            ModelArg::Logistic => ModelKind::Logistic,
            ModelArg::Elasticnet | ModelArg::Lasso | ModelArg::Ridge => ModelKind::ElasticNet,
            ModelArg::Pca => ModelKind::Pca,
        }
    }

    pub fn l1_ratio(self) -> Option<f64> {
        match self {
            ModelArg::Lasso => Some(1.0),
            ModelArg::Ridge => Some(0.0),
            _ => None,
        }
    }
}

/// Open the window.
pub fn run_native(args: GuiArgs) -> Result<(), String> {
    let icon = eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon-256.png"))
        .map_err(|e| format!("icon: {e}"))?;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Ridgeline")
            .with_app_id("ridgeline")
            .with_icon(Arc::new(icon))
            .with_inner_size(args.size.map_or([1280.0, 800.0], |s| [s.0, s.1]))
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    // `--fresh` and `--screenshot` runs use a throwaway storage folder: nothing saved is read
    // (not even the window's size and place, so screenshots come out the same whatever ran
    // before) and nothing saved is written over.
    let options = if args.fresh || args.screenshot.is_some() {
        eframe::NativeOptions {
            persistence_path: Some(
                std::env::temp_dir().join(format!("ridgeline-fresh-{}", std::process::id())),
            ),
            persist_window: false,
            ..options
        }
    } else {
        options
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
