//! One [`Slot`] per live computation, the keys that say when each must run again, and the
//! jobs themselves (thin: the work is in [`crate::analysis`] and [`crate::data`]).
//!
//! Adding a computation: a function in `analysis/`, a slot here (field, key, `want_…`), a view
//! in `ui/views/`, and its place in `ui::Views`.

use std::sync::Arc;
use std::time::Instant;

use crate::analysis::bias_variance::{
    BiasVarianceCurve, BootstrapSettings, bias_variance_curve, default_alphas as bv_default_alphas,
};
use crate::analysis::compare::{Comparison, compare};
use crate::analysis::curves::{
    LearningCurve, Param, ValidationCurve, default_fractions, learning_curve, validation_curve,
};
use crate::analysis::folds::{CvRun, CvSettings, cross_validate_run, live_subset, subset};
use crate::analysis::live::{self, FitOn, LiveRequest};
use crate::analysis::loss::{LossCurve, loss_curve_of_fit};
use crate::analysis::path::{AlphaGrid, PathModel, PathRequest, PathResult, path_of_fit};
use crate::analysis::shrinkage::{Shrinkage, default_fit_alphas, shrinkage};
use crate::analysis::svm_path::{SvmPath, svm_path};
use crate::data::dataset::{build_dataset_for, resolve_column};
use crate::data::prep::split;
use crate::data::stats::{ColumnStats, column_stats};
use crate::data::{Source, Table, load_source};
use crate::error::Error;
use crate::estimators::{ModelKind, ModelSpec};
use crate::state::results::MAX_DRAWN_POINTS;
use crate::state::settings::{CurveKind, MAX_CV_FOLDS};
use crate::state::{DataRequest, DataView, Level, ModelView, Prepared, Status, Tab};
use crate::worker::{Job, JobError, Slot};

use super::RidgelineApp;

/// Decision-map resolution when the hand stops, and while a slider is being dragged.
pub const GRID_FINE: usize = 200;
pub const GRID_COARSE: usize = 60;
/// While a slider is dragged the window fits an SVM on at most this many training rows (a
/// seeded sample, and the view says so), so that the picture follows the hand; when the hand
/// stops it fits every row. Curves, paths and cross-validation use the sample too.
pub const MAX_LIVE_SVM_ROWS: usize = 3_000;

/// What a model update was computed from: the data by the generation of the data job that
/// made it, and the request by content.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelKey {
    pub data: u64,
    pub request: LiveRequest,
}

/// The app's live computations.
pub struct Computations {
    /// Read the source, resolve the roles, build and split the dataset.
    pub data: Slot<DataRequest, (), DataView>,
    /// Fit the chosen estimator, score it and evaluate its decision map.
    pub model: Slot<ModelKey, (), ModelView>,
    /// The training objective of the same fit, iteration by iteration, streamed as it runs.
    pub loss: Slot<ModelKey, LossCurve, LossCurve>,
    /// The regularisation path with its cross-validated error, filled α by α. Its key leaves
    /// α out: dragging α moves the marker, never recomputes the path.
    pub path: Slot<PathKey, PathResult, PathResult>,
    /// The Curves tab: one slot per curve, each computed while it is on screen.
    pub validation: Slot<CurveKey, ValidationCurve, ValidationCurve>,
    pub learning: Slot<CurveKey, LearningCurve, LearningCurve>,
    pub bias_variance: Slot<CurveKey, BiasVarianceCurve, BiasVarianceCurve>,
    pub compare: Slot<CurveKey, Comparison, Comparison>,
    /// L2 shrinkage λᵢ/(λᵢ + α) along XᵀX's eigen-directions, with fits that measure it.
    pub shrinkage: Slot<CurveKey, Shrinkage, Shrinkage>,
    /// The SVM's path: support vectors, margin and errors against C or γ.
    pub svm_path: Slot<CurveKey, SvmPath, SvmPath>,
    /// k-fold cross-validation of the current model, shown under its metrics.
    pub cv: Slot<CurveKey, CvRun, CvRun>,
    /// The Train view's run (see [`super::train`]); keyed by submission.
    pub train: Slot<u64, crate::train::frames::TrainFrame, crate::train::frames::TrainFrame>,
}

/// What a curve was computed from: the data, the rows and features of the live fit, the
/// model (with the swept parameter at a fixed value, so moving it only moves the marker), the
/// folds, and what is swept or compared.
#[derive(Clone, Debug, PartialEq)]
pub struct CurveKey {
    pub data: u64,
    pub live: LiveRequest,
    pub spec: ModelSpec,
    pub folds: usize,
    pub seed: u64,
    pub param: Option<Param>,
    pub pinned: Option<ModelSpec>,
}

/// What a path was computed from: the data, the features and the path request (which has
/// no α).
#[derive(Clone, Debug, PartialEq)]
pub struct PathKey {
    pub data: u64,
    pub features: Vec<usize>,
    pub request: PathRequest,
}

impl Computations {
    /// Start every slot's thread; `repaint` is called whenever something arrives.
    pub fn new(repaint: impl Fn() + Clone + Send + Sync + 'static) -> Self {
        Self {
            data: Slot::new("ridgeline-data", repaint.clone()),
            model: Slot::new("ridgeline-model", repaint.clone()),
            loss: Slot::new("ridgeline-loss", repaint.clone()),
            path: Slot::new("ridgeline-path", repaint.clone()).with_cache(8),
            validation: Slot::new("ridgeline-validation", repaint.clone()).with_cache(8),
            learning: Slot::new("ridgeline-learning", repaint.clone()).with_cache(8),
            bias_variance: Slot::new("ridgeline-bias-variance", repaint.clone()).with_cache(8),
            compare: Slot::new("ridgeline-compare", repaint.clone()).with_cache(8),
            shrinkage: Slot::new("ridgeline-shrinkage", repaint.clone()).with_cache(8),
            svm_path: Slot::new("ridgeline-svm-path", repaint.clone()).with_cache(8),
            cv: Slot::new("ridgeline-cv", repaint.clone()).with_cache(16),
            train: Slot::new("ridgeline-train", repaint),
        }
    }

    pub fn is_busy(&self) -> bool {
        self.data.is_busy()
            || self.model.is_busy()
            || self.loss.is_busy()
            || self.path.is_busy()
            || self.validation.is_busy()
            || self.learning.is_busy()
            || self.bias_variance.is_busy()
            || self.compare.is_busy()
            || self.shrinkage.is_busy()
            || self.cv.is_busy()
            || self.svm_path.is_busy()
            || self.train.is_busy()
    }

    pub fn cancel_curve(&mut self, kind: CurveKind) {
        match kind {
            CurveKind::Validation => self.validation.cancel(),
            CurveKind::Learning => self.learning.cancel(),
            CurveKind::BiasVariance => self.bias_variance.cancel(),
            CurveKind::Compare => self.compare.cancel(),
            CurveKind::Shrinkage => self.shrinkage.cancel(),
        }
    }

    pub fn forget_curve(&mut self, kind: CurveKind) {
        match kind {
            CurveKind::Validation => self.validation.forget(),
            CurveKind::Learning => self.learning.forget(),
            CurveKind::BiasVariance => self.bias_variance.forget(),
            CurveKind::Compare => self.compare.forget(),
            CurveKind::Shrinkage => self.shrinkage.forget(),
        }
    }

    pub fn poll_model(&mut self) {
        self.model.poll();
        self.loss.poll();
        self.path.poll();
        self.validation.poll();
        self.learning.poll();
        self.bias_variance.poll();
        self.compare.poll();
        self.shrinkage.poll();
        self.cv.poll();
        self.svm_path.poll();
    }
}

impl RidgelineApp {
    /// Submit the data job when the data settings changed.
    pub(super) fn want_data(&mut self) {
        let request = self.settings.data_request();
        let cached = self.data().map(|d| {
            (
                d.source.clone(),
                Arc::clone(&d.table),
                Arc::clone(&d.stats),
                d.load_ms,
            )
        });
        let target_spec = &mut self.rt.target_spec;
        let mut resolves_target = false;
        let job_request = request.clone();
        let submitted = self.rt.jobs.data.want(request, || {
            let spec = target_spec.take();
            resolves_target = spec.is_some();
            move |job: &Job<()>| data_job(job_request, cached, spec, job)
        });
        if submitted && resolves_target {
            self.rt.target_spec_generation = Some(self.rt.jobs.data.latest_generation());
        }
    }

    /// Take in a finished data job: the status line says what was read, or why not.
    pub(super) fn poll_data(&mut self) {
        let Some(done) = self.rt.jobs.data.poll() else {
            return;
        };
        match done.result {
            Ok(view) => {
                if let Source::File(path) = &view.source {
                    self.settings.remember_file(path);
                }
                // A `--target` resolved by the job becomes the user's choice.
                if self.rt.target_spec_generation == Some(done.generation) {
                    self.settings.roles = view.roles.clone();
                    self.rt.jobs.data.settle_on_shown();
                }
                let mut status = data_status(&view);
                if let Some(notice) = self.rt.startup_notice.take() {
                    status.text = format!("{notice}. {}", status.text);
                    status.level = status.level.max(Level::Warning);
                }
                self.rt.status = Some(status);
            }
            Err(JobError::Cancelled) => {
                self.set_status(Level::Info, "loading cancelled");
                self.revert_source();
            }
            Err(e) => {
                let text = e.to_string();
                // Nothing on screen yet (a bad file at start-up): the default data comes next,
                // and its message must not hide why.
                if self.data().is_none() {
                    self.rt.startup_notice =
                        Some(format!("{text}: opened the default dataset instead"));
                }
                self.set_status(Level::Error, text);
                self.revert_source();
            }
        }
    }

    /// After a failed load: go back to the data on screen (nothing is lost), or to the default
    /// dataset when nothing was loaded yet.
    fn revert_source(&mut self) {
        match self.data() {
            Some(view) => {
                let (source, roles) = (view.source.clone(), view.roles.clone());
                self.settings.source = source;
                self.settings.roles = roles;
                // What is on screen is what the settings now ask for: nothing to resubmit,
                // unless the split changed meanwhile.
                if self
                    .rt
                    .jobs
                    .data
                    .result_key()
                    .is_some_and(|k| k.prep == self.settings.prep)
                {
                    self.rt.jobs.data.settle_on_shown();
                }
            }
            None => {
                self.settings.source = Source::default();
                self.settings.roles = Default::default();
            }
        }
    }

    /// The model update the settings ask for, if the model view is shown and the data is ready.
    fn model_request(&self) -> Option<(Arc<Prepared>, u64, LiveRequest)> {
        if !self.settings.view.tab.shows_model() {
            return None;
        }
        let prepared = Arc::clone(self.prepared()?);
        let data = self.rt.jobs.data.shown().generation;
        let view = &self.settings.view;
        let axes = prepared.feature_axes(view.x_feature.as_deref(), view.y_feature.as_deref());
        let mut spec = self.settings.model.spec.clone();
        // PCA keeps at most as many components as the features it is fitted on and the
        // training rows allow (the setting itself stays as the user left it).
        if spec.kind == ModelKind::Pca {
            let fitted = match self.settings.model.fit_on {
                FitOn::AllFeatures => prepared.dataset.n_features(),
                FitOn::ShownPair if axes.0 != axes.1 => 2,
                FitOn::ShownPair => 1,
            };
            let most = fitted.min(prepared.split.train.len()).max(1);
            spec.pca.n_components = spec.pca.n_components.clamp(1, most);
        }
        Some((
            prepared,
            data,
            LiveRequest {
                // A regression's coefficient chart is about every feature.
                fit_on: if spec.kind == ModelKind::ElasticNet {
                    FitOn::AllFeatures
                } else {
                    self.settings.model.fit_on
                },
                spec,
                axes,
                grid_size: GRID_FINE,
                standardize: self.settings.prep.standardize,
                max_svm_rows: Some(MAX_LIVE_SVM_ROWS),
            },
        ))
    }

    /// Submit a model update when what it depends on changed. While the pointer is down (a
    /// slider being dragged) the update is coarse; when the hand stops it is refined.
    pub(super) fn want_model(&mut self, dragging: bool) {
        let Some((prepared, data, fine)) = self.model_request() else {
            return;
        };
        if let Err(e) = self.settings.model.spec.validate() {
            // Shown inline by the controls; nothing is submitted.
            self.rt.param_error = Some(e.to_string());
            return;
        }
        self.rt.param_error = None;
        // While dragging, the map is coarse and a large SVM is fitted on a sample; when the
        // hand stops, the fit is on every training row at the fine resolution (with progress
        // and Cancel). A full result for these settings is as good while dragging.
        let mut full = fine.clone();
        full.max_svm_rows = None;
        let full_key = ModelKey {
            data,
            request: full.clone(),
        };
        let use_full = !dragging || self.rt.jobs.model.submitted() == Some(&full_key);
        let fine_request = fine.clone();
        let request = if use_full {
            full
        } else {
            let mut coarse = fine;
            coarse.grid_size = GRID_COARSE;
            coarse
        };
        let key = ModelKey {
            data,
            request: request.clone(),
        };
        let for_loss = Arc::clone(&prepared);
        let asked = self.settings.model.spec.clone();
        self.rt.jobs.model.want(key, move || {
            move |job: &Job<()>| model_job(prepared, request, asked, job)
        });
        if self.settings.view.tab == Tab::Path {
            self.want_path(&for_loss, data, &fine_request);
        }
        if self.settings.view.tab == Tab::Curves && !dragging {
            self.want_curve(&for_loss, data, &fine_request);
        }
        if !dragging {
            self.want_cv(&for_loss, data, &fine_request);
        }
        if self.settings.view.tab == Tab::Loss {
            // The loss curve needs no map: its key leaves the grid out, so dragging (a coarse
            // map) does not restart it.
            let mut request = fine_request;
            request.grid_size = 0;
            let key = ModelKey {
                data,
                request: request.clone(),
            };
            self.rt.jobs.loss.want(key, move || {
                move |job: &Job<LossCurve>| {
                    let emit = &mut |curve: &LossCurve| job.emit(curve.clone());
                    Ok(loss_curve_of_fit(
                        &for_loss.dataset,
                        &for_loss.split,
                        &request,
                        job,
                        emit,
                    )?)
                }
            });
        }
    }
}

impl RidgelineApp {
    /// Submit the path when the data, the features or the path's own settings changed; the
    /// estimator's α is not part of its key.
    fn want_path(&mut self, prepared: &Arc<Prepared>, data: u64, live: &LiveRequest) {
        let spec = &self.settings.model.spec;
        let (model, max_iter, tol) = match spec.kind {
            ModelKind::ElasticNet => (
                PathModel::ElasticNet {
                    l1_ratio: spec.elastic_net.l1_ratio,
                },
                u64::from(spec.elastic_net.max_iter),
                spec.elastic_net.tol,
            ),
            ModelKind::Logistic => (
                PathModel::Logistic,
                spec.logistic.max_iter,
                spec.logistic.tol,
            ),
            ModelKind::Svm => return self.want_svm_path(prepared, data, live),
            // PCA has no penalty: the view says so.
            ModelKind::Pca => return,
        };
        let features = match live::design(&prepared.dataset, &prepared.split, live) {
            Ok(d) => d.features,
            Err(_) => return,
        };
        let folds = self.settings.model.cv_folds.clamp(2, MAX_CV_FOLDS);
        let request = PathRequest {
            model,
            grid: AlphaGrid::default(),
            cv_folds: (prepared.split.train.len() >= 2 * folds).then_some(folds),
            seed: self.settings.prep.seed,
            standardize: self.settings.prep.standardize,
            max_iter,
            tol,
        };
        let key = PathKey {
            data,
            features: features.clone(),
            request: request.clone(),
        };
        let prepared = Arc::clone(prepared);
        self.rt.jobs.path.want(key, move || {
            move |job: &Job<PathResult>| {
                let emit = &mut |r: &PathResult| job.emit(r.clone());
                Ok(path_of_fit(
                    &prepared.dataset,
                    &prepared.split,
                    &features,
                    &request,
                    job,
                    emit,
                )?)
            }
        });
    }
}

impl RidgelineApp {
    /// The key of a curve-like computation on the live fit's rows and features (the grid left
    /// out), and the folds it uses.
    fn curve_key(&self, data: u64, live: &LiveRequest) -> (CurveKey, CvSettings) {
        let mut live = live.clone();
        live.grid_size = 0;
        let key = CurveKey {
            data,
            live,
            spec: self.settings.model.spec.clone(),
            folds: self.settings.model.cv_folds.clamp(2, MAX_CV_FOLDS),
            seed: self.settings.prep.seed,
            param: None,
            pinned: None,
        };
        let cv = CvSettings {
            folds: key.folds,
            seed: key.seed,
            standardize: self.settings.prep.standardize,
        };
        (key, cv)
    }

    /// The SVM's path over C (or γ), keyed with the swept value fixed: moving it moves the
    /// marker only.
    fn want_svm_path(&mut self, prepared: &Arc<Prepared>, data: u64, live: &LiveRequest) {
        let spec = self.settings.model.spec.clone();
        let param = match self.settings.view.svm_path_param {
            Some(Param::Gamma) if Param::Gamma.check(&spec).is_ok() => Param::Gamma,
            _ => Param::C,
        };
        let values = param.default_values(prepared.dataset.n_features());
        let (mut key, cv) = self.curve_key(data, live);
        let live = key.live.clone();
        key.param = Some(param);
        if param.apply(&mut key.spec, values[0]).is_err() {
            return;
        }
        // The live request carries the spec too: fix the swept value there as well.
        key.live.spec = key.spec.clone();
        let prepared = Arc::clone(prepared);
        self.rt.jobs.svm_path.want(key, move || {
            move |job: &Job<SvmPath>| {
                let ds = live_subset(&prepared.dataset, &prepared.split, &live)?;
                let emit = &mut |p: &SvmPath| job.emit(p.clone());
                Ok(svm_path(&ds, &spec, param, &values, &cv, job, emit)?)
            }
        });
    }

    /// Cross-validate the current model (not while dragging: k fits per position of the hand
    /// would only be cancelled).
    fn want_cv(&mut self, prepared: &Arc<Prepared>, data: u64, live: &LiveRequest) {
        let spec = self.settings.model.spec.clone();
        let (key, cv) = self.curve_key(data, live);
        let live = key.live.clone();
        let prepared = Arc::clone(prepared);
        self.rt.jobs.cv.want(key, move || {
            move |job: &Job<CvRun>| {
                let ds = live_subset(&prepared.dataset, &prepared.split, &live)?;
                let emit = &mut |r: &CvRun| job.emit(r.clone());
                Ok(cross_validate_run(&ds, &spec, &cv, job, emit)?)
            }
        });
    }

    /// Submit the curve on screen when what it depends on changed. Not while a slider is
    /// dragged: k-fold work for every position of the hand would only be cancelled.
    fn want_curve(&mut self, prepared: &Arc<Prepared>, data: u64, live: &LiveRequest) {
        let (mut key, cv) = self.curve_key(data, live);
        let live = key.live.clone();
        let view = &self.settings.view;
        let model = &self.settings.model;
        let prepared = Arc::clone(prepared);
        let jobs = &mut self.rt.jobs;
        match view.curve {
            CurveKind::Validation => {
                let params = Param::of(&model.spec);
                let Some(param) = view
                    .curve_param
                    .filter(|p| params.contains(p))
                    .or_else(|| params.first().copied())
                else {
                    return;
                };
                let values = param.default_values(prepared.dataset.n_features());
                // The key holds the parameter at the grid's first value: moving the current
                // value moves the marker, not the curve.
                if param.apply(&mut key.spec, values[0]).is_err() {
                    return;
                }
                key.live.spec = key.spec.clone();
                key.param = Some(param);
                let spec = model.spec.clone();
                jobs.validation.want(key, move || {
                    move |job: &Job<ValidationCurve>| {
                        let ds = live_subset(&prepared.dataset, &prepared.split, &live)?;
                        let emit = &mut |c: &ValidationCurve| job.emit(c.clone());
                        Ok(validation_curve(
                            &ds, &spec, param, &values, &cv, job, emit,
                        )?)
                    }
                });
            }
            CurveKind::Learning => {
                let spec = model.spec.clone();
                jobs.learning.want(key, move || {
                    move |job: &Job<LearningCurve>| {
                        let ds = live_subset(&prepared.dataset, &prepared.split, &live)?;
                        let emit = &mut |c: &LearningCurve| job.emit(c.clone());
                        Ok(learning_curve(
                            &ds,
                            &spec,
                            &default_fractions(),
                            &cv,
                            job,
                            emit,
                        )?)
                    }
                });
            }
            CurveKind::BiasVariance => {
                key.spec.elastic_net.alpha = 1.0;
                key.live.spec = key.spec.clone();
                let spec = model.spec.clone();
                let boots = BootstrapSettings {
                    seed: key.seed,
                    standardize: cv.standardize,
                    ..Default::default()
                };
                jobs.bias_variance.want(key, move || {
                    move |job: &Job<BiasVarianceCurve>| {
                        let d = live::design(&prepared.dataset, &prepared.split, &live)?;
                        let all: Vec<usize> = (0..prepared.dataset.n_rows()).collect();
                        let ds = subset(&prepared.dataset, &all, &d.features);
                        let emit = &mut |c: &BiasVarianceCurve| job.emit(c.clone());
                        Ok(bias_variance_curve(
                            &ds,
                            &prepared.split,
                            &spec,
                            &bv_default_alphas(),
                            &boots,
                            job,
                            emit,
                        )?)
                    }
                });
            }
            CurveKind::Shrinkage => {
                // α only moves the marker: the key holds it at 1. No folds are used.
                key.spec.elastic_net.alpha = 1.0;
                key.folds = 0;
                key.live.spec = key.spec.clone();
                let spec = model.spec.clone();
                let standardize = cv.standardize;
                jobs.shrinkage.want(key, move || {
                    move |job: &Job<Shrinkage>| {
                        let ds = live_subset(&prepared.dataset, &prepared.split, &live)?;
                        let rows: Vec<usize> = (0..ds.n_rows()).collect();
                        let emit = &mut |s: &Shrinkage| job.emit(s.clone());
                        Ok(shrinkage(
                            &ds,
                            &rows,
                            &spec,
                            &default_fit_alphas(),
                            standardize,
                            job,
                            emit,
                        )?)
                    }
                });
            }
            CurveKind::Compare => {
                let Some(a) = model.pinned.clone() else {
                    return;
                };
                key.pinned = Some(a.clone());
                let b = model.spec.clone();
                jobs.compare.want(key, move || {
                    move |job: &Job<Comparison>| {
                        let ds = live_subset(&prepared.dataset, &prepared.split, &live)?;
                        let emit = &mut |c: &Comparison| job.emit(c.clone());
                        Ok(compare(&ds, &a, &b, &cv, job, emit)?)
                    }
                });
            }
        }
    }
}

/// What the status line says about freshly read data.
fn data_status(view: &DataView) -> Status {
    match &view.prepared {
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
    }
}

/// A table already read: its source, stats and load time, reused when only roles change.
type CachedTable = (Source, Arc<Table>, Arc<Vec<ColumnStats>>, f64);

/// The data job: read (or reuse) the table, resolve roles, build and split the dataset.
pub fn data_job(
    request: DataRequest,
    cached: Option<CachedTable>,
    target_spec: Option<String>,
    job: &Job<()>,
) -> Result<DataView, JobError> {
    let (table, stats, load_ms) = match cached {
        Some((source, table, stats, ms)) if source == request.source => (table, stats, ms),
        _ => {
            let start = Instant::now();
            let table = load_source(&request.source, job).map_err(Error::from)?;
            let load_ms = start.elapsed().as_secs_f64() * 1e3;
            job.check()?;
            let stats = Arc::new(column_stats(&table));
            (Arc::new(table), stats, load_ms)
        }
    };
    job.check()?;
    let mut roles = request.roles.clone();
    if let Some(spec) = target_spec {
        roles.target = Some(resolve_column(&table, &spec).map_err(Error::from)?);
    }
    let prepared = build_dataset_for(&table, &roles, request.purpose)
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

/// The model job: fit, score, evaluate the map and trace its contours.
pub fn model_job(
    prepared: Arc<Prepared>,
    request: LiveRequest,
    asked: crate::estimators::ModelSpec,
    job: &Job<()>,
) -> Result<ModelView, JobError> {
    let axes = request.axes;
    let coarse = request.grid_size == GRID_COARSE;
    // The estimators say what target they need; the window says where to choose it.
    if let Err(e) =
        crate::estimators::check_target(request.spec.kind, prepared.dataset.target.task())
    {
        return Err(JobError::Failed(format!(
            "{e}: choose a suitable target column (or its task) in the Columns panel"
        )));
    }
    let result = live::run(&prepared.dataset, &prepared.split, &request, job)?;
    Ok(ModelView {
        prepared,
        axes,
        result,
        spec: request.spec,
        asked,
        coarse,
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
