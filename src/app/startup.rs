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
}

impl RidgelineApp {
    pub fn new(ctx: &egui::Context, startup: Startup) -> Self {
        crate::ui::theme::install_fonts(ctx);
        let repaint_ctx = ctx.clone();
        let jobs = Computations::new(move || repaint_ctx.request_repaint());
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
                undo: Default::default(),
                persist: screenshot.is_none(),
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
        let (model, l1_ratio) = match args.model {
            None => (None, None),
            Some(m) => (Some(m.kind()), m.l1_ratio()),
        };
        Ok(Self::new(
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
            },
        ))
    }
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
