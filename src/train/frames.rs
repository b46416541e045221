//! Training watched live: what the window's Train view runs in its job slot. A run starts
//! from a [`Trainer`] (or a new one), trains one epoch or plays to the last epoch, and every
//! tenth of a second hands the window a [`TrainFrame`]: the trainer, its decision map and
//! boundary in the plane of the shown features (or its fitted curve for one feature and a
//! numeric target), and the speed. No egui here.

use std::time::{Duration, Instant};

use ndarray::{Array1, Array2, Axis};

use crate::analysis::grid::GridSpec;
use crate::analysis::live::{DecisionMap, FitOn, OwnedTarget, Polyline, decision_lines};
use crate::data::prep::Split;
use crate::data::{Dataset, Target};
use crate::error::Error;
use crate::progress::Progress;
use crate::train::{TrainParams, Trainer};

/// Cells per side of the decision map of a training frame.
pub const TRAIN_GRID: usize = 80;
/// Points of a fitted curve (one feature, numeric target).
pub const CURVE_POINTS: usize = 200;
/// Cells per side of each unit's small map (the network drawing).
pub const UNIT_GRID: usize = 24;
/// How often a playing run hands the window a frame.
pub const FRAME_EVERY: Duration = Duration::from_millis(100);

/// What a run trains on: the raw columns the network sees, its rows, and where the plot's two
/// axes are among those columns.
#[derive(Clone, Debug)]
pub struct TrainInput {
    /// Dataset feature indices the network sees, in order, and their names.
    pub features: Vec<usize>,
    pub names: Vec<String>,
    /// Positions in `features` of the plot's horizontal and vertical axes.
    pub axes: (usize, usize),
    pub x_train: Array2<f64>,
    pub x_test: Array2<f64>,
    pub target_train: Target,
    pub target_test: Target,
    /// The plot's grid around every row (dataset columns of the two axes).
    pub grid: GridSpec,
    /// Every other column at its training mean.
    pub base: Array1<f64>,
    /// Range of the one feature (for a fitted curve).
    pub x_range: (f64, f64),
}

/// The columns and rows of a run: the shown pair or every feature (as the live model's
/// "fit on"), the training and test rows of the split.
pub fn train_input(
    ds: &Dataset,
    split: &Split,
    fit_on: FitOn,
    (a, b): (usize, usize),
) -> Result<TrainInput, Error> {
    let p = ds.n_features();
    if a >= p || b >= p {
        return Err(Error::Data("the plot's axes must both be features".into()));
    }
    if split.train.len() < 2 {
        return Err(Error::Data(
            "fewer than 2 training rows: lower the test share".into(),
        ));
    }
    let features: Vec<usize> = match fit_on {
        FitOn::ShownPair if a != b => vec![a, b],
        FitOn::ShownPair => vec![a],
        FitOn::AllFeatures => (0..p).collect(),
    };
    let x = ds.x.select(Axis(1), &features);
    let x_train = x.select(Axis(0), &split.train);
    let base = x_train
        .mean_axis(Axis(0))
        .unwrap_or_else(|| Array1::zeros(features.len()));
    let pos = |f: usize| features.iter().position(|&g| g == f).unwrap_or(0);
    let xs: Vec<f64> = ds.x.column(a).to_vec();
    let ys: Vec<f64> = ds.x.column(b).to_vec();
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Ok(TrainInput {
        axes: (pos(a), pos(b)),
        x_test: x.select(Axis(0), &split.test),
        x_train,
        target_train: part(&ds.target, &split.train),
        target_test: part(&ds.target, &split.test),
        grid: GridSpec::around(&xs, &ys, 0.08, TRAIN_GRID, TRAIN_GRID),
        base,
        x_range: (lo, hi),
        names: features
            .iter()
            .map(|&j| ds.feature_names[j].clone())
            .collect(),
        features,
    })
}

fn part(t: &Target, rows: &[usize]) -> Target {
    match t {
        Target::Classes { y, names } => Target::Classes {
            y: rows.iter().map(|&i| y[i]).collect(),
            names: names.clone(),
        },
        Target::Values(v) => Target::Values(rows.iter().map(|&i| v[i]).collect()),
    }
}

fn owned(t: &Target) -> OwnedTarget {
    match t {
        Target::Classes { y, names } => OwnedTarget::Classes(y.clone(), names.len()),
        Target::Values(v) => OwnedTarget::Values(v.clone()),
    }
}

/// A new trainer at epoch 0 on `input`.
pub fn new_trainer(params: &TrainParams, input: &TrainInput) -> Result<Trainer, Error> {
    let (train, test) = (owned(&input.target_train), owned(&input.target_test));
    Trainer::new(
        params,
        input.x_train.view(),
        train.view(),
        input.x_test.view(),
        test.view(),
    )
}

/// What the window draws of a run at one moment.
#[derive(Clone, Debug)]
pub struct TrainFrame {
    pub trainer: Trainer,
    /// Class probabilities or decision values over the plane of the shown pair (classes, two
    /// different axes).
    pub map: Option<DecisionMap>,
    pub boundary: Vec<Polyline>,
    pub margins: Vec<Polyline>,
    /// The fitted curve over the one feature (numeric target, one feature).
    pub curve: Option<Polyline>,
    /// Epochs per second over the run so far (playing only).
    pub epochs_per_second: Option<f64>,
    /// Every input's and unit's value over the plane, small (for the network drawing).
    pub units: Option<UnitMaps>,
    /// The network's inputs by name: the chosen features of two columns (x₁, x₁², …), else
    /// the columns' own names.
    pub input_names: Vec<String>,
}

/// Each input's and each unit's output over a small grid of the plane of the shown pair, as
/// Playground draws them in its nodes: `values[j·nx + i]` at `(spec.x_at(i), spec.y_at(j))`.
/// With one feature (`spec.ny == 1`), each is a curve over it: `values[i]` at `spec.x_at(i)`.
#[derive(Clone, Debug)]
pub struct UnitMaps {
    pub spec: GridSpec,
    /// One map per network input (after the feature expansion and standardising).
    pub inputs: Vec<Vec<f64>>,
    /// `layers[l][u]`: unit `u` of dense layer `l` (hidden layers' activations, then the
    /// output layer's raw scores).
    pub layers: Vec<Vec<Vec<f64>>>,
}

fn unit_maps(trainer: &Trainer, input: &TrainInput) -> UnitMaps {
    let spec = GridSpec {
        nx: UNIT_GRID,
        ny: UNIT_GRID,
        ..input.grid.clone()
    };
    let (fx, fy) = input.axes;
    // One feature: the maps are curves over it (a grid of one row).
    let spec = if fx == fy {
        GridSpec { ny: 1, ..spec }
    } else {
        spec
    };
    let points = if fx == fy {
        Array2::from_shape_fn((spec.nx, input.base.len()), |(i, j)| {
            if j == fx { spec.x_at(i) } else { input.base[j] }
        })
    } else {
        spec.points(input.base.view(), fx, fy)
    };
    let inputs = trainer.input_values(points.view());
    let layers = trainer
        .layers()
        .iter()
        .enumerate()
        .map(|(l, layer)| {
            (0..layer.weights.ncols())
                .map(|u| trainer.unit_output(l, u, points.view()).to_vec())
                .collect()
        })
        .collect();
    UnitMaps {
        inputs: inputs.columns().into_iter().map(|c| c.to_vec()).collect(),
        layers,
        spec,
    }
}

/// The frame of `trainer` now.
pub fn frame(trainer: &Trainer, input: &TrainInput, epochs_per_second: Option<f64>) -> TrainFrame {
    let (fx, fy) = input.axes;
    let map = (fx != fy)
        .then(|| trainer.decision_grid(&input.grid, input.base.view(), fx, fy))
        .flatten();
    let (boundary, margins) = map.as_ref().map(decision_lines).unwrap_or_default();
    let curve = (input.features.len() == 1 && trainer.n_classes().is_none()).then(|| {
        let (lo, hi) = input.x_range;
        let xs = Array2::from_shape_fn((CURVE_POINTS, 1), |(i, _)| {
            lo + (hi - lo) * i as f64 / (CURVE_POINTS - 1) as f64
        });
        let ys = trainer
            .predict_values(xs.view())
            .ok()
            .flatten()
            .unwrap_or_else(|| Array1::from_elem(CURVE_POINTS, f64::NAN));
        xs.column(0)
            .iter()
            .zip(ys.iter())
            .map(|(&x, &y)| [x, y])
            .collect()
    });
    let units = Some(unit_maps(trainer, input));
    let input_names = if input.features.len() == 2 {
        trainer.input_names()
    } else {
        input.names.clone()
    };
    TrainFrame {
        input_names,
        trainer: trainer.clone(),
        map,
        boundary,
        margins,
        curve,
        epochs_per_second,
        units,
    }
}

/// How far a run goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrainMode {
    /// No training: the frame of the start.
    Show,
    /// One epoch.
    Step,
    /// Every epoch up to the last (`params.epochs`), a frame every [`FRAME_EVERY`].
    Play,
}

/// Run from `start` (taking the rates of `params`), or from a new trainer when `start` is
/// `None` or cannot take them. `emit` receives the frames of a playing run; the last frame is
/// returned. Cancelled through `progress` between minibatches (the trainer as it was after
/// the last whole epoch is in the last frame emitted).
pub fn run_training(
    start: Option<Trainer>,
    params: &TrainParams,
    input: &TrainInput,
    mode: TrainMode,
    progress: &Progress,
    emit: &mut dyn FnMut(TrainFrame),
) -> Result<TrainFrame, Error> {
    let mut trainer = match start {
        Some(mut t) => {
            if t.adjust(params) {
                t
            } else {
                new_trainer(params, input)?
            }
        }
        None => new_trainer(params, input)?,
    };
    match mode {
        TrainMode::Show => {}
        TrainMode::Step => {
            trainer.run_epoch(progress)?;
        }
        TrainMode::Play => {
            let (started, first_epoch) = (Instant::now(), trainer.epoch());
            let mut last_frame = Instant::now();
            progress.set_total(params.epochs as u64);
            while trainer.epoch() < params.epochs {
                trainer.run_epoch(progress)?;
                progress.set(trainer.epoch() as u64);
                if last_frame.elapsed() >= FRAME_EVERY {
                    let rate = speed(trainer.epoch() - first_epoch, started);
                    emit(frame(&trainer, input, rate));
                    last_frame = Instant::now();
                }
            }
            return Ok(frame(
                &trainer,
                input,
                speed(trainer.epoch() - first_epoch, started),
            ));
        }
    }
    Ok(frame(&trainer, input, None))
}

fn speed(epochs: usize, since: Instant) -> Option<f64> {
    let s = since.elapsed().as_secs_f64();
    (epochs > 0 && s > 0.0).then(|| epochs as f64 / s)
}
