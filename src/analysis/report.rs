//! A fitted model and its scores as JSON, in the command line's keys: what `ridgeline fit`
//! prints and what the window's *Export…* writes. No egui here.

use serde_json::{Value, json};

use crate::analysis::live::{LiveResult, Scores};
use crate::estimators::Fitted;

/// The model's own numbers: coefficients, support vectors, components …
pub fn fitted_json(fitted: &Fitted) -> Value {
    let mut v = json!({});
    match fitted {
        Fitted::Svm(m) => {
            v["n_support"] = json!(m.n_support());
            v["n_iter"] = json!(m.n_iter());
            v["gamma"] = json!(m.gamma());
            v["converged"] = json!(m.converged());
            v["rho"] = json!(m.rho().to_vec());
            if let Some(w) = m.linear_weights() {
                v["coef"] = json!(w.t().outer_iter().map(|r| r.to_vec()).collect::<Vec<_>>());
            }
        }
        Fitted::Logistic(m) => {
            v["coef"] = json!(
                m.coef()
                    .outer_iter()
                    .map(|r| r.to_vec())
                    .collect::<Vec<_>>()
            );
            v["intercept"] = json!(m.intercept().to_vec());
            v["n_iter"] = json!(m.n_iter());
            v["converged"] = json!(m.converged());
            v["grad_norm"] = json!(m.grad_norm());
        }
        Fitted::ElasticNet(m) => {
            v["coef"] = json!(m.coef().to_vec());
            v["intercept"] = json!(m.intercept());
            v["n_iter"] = json!(m.n_iter());
            v["n_nonzero"] = json!(m.n_nonzero());
            v["duality_gap"] = json!(m.duality_gap());
        }
        Fitted::Pca(m) => {
            v["components"] = json!(
                m.components()
                    .outer_iter()
                    .map(|r| r.to_vec())
                    .collect::<Vec<_>>()
            );
            v["explained_variance"] = json!(m.explained_variance().to_vec());
            v["explained_variance_ratio"] = json!(m.explained_variance_ratio().to_vec());
            v["singular_values"] = json!(m.singular_values().to_vec());
            v["mean"] = json!(m.mean().to_vec());
            v["solver"] = json!(m.solver().name());
        }
    }
    v
}

/// Put the scores into `v` with `prefix` (`""` for the training rows, `"test_"`).
pub fn put_scores(v: &mut Value, prefix: &str, s: &Scores) {
    for (key, value) in [
        ("accuracy", s.accuracy),
        ("log_loss", s.log_loss),
        ("r2", s.r2),
        ("mse", s.mse),
    ] {
        if let Some(x) = value {
            v[format!("{prefix}{key}")] = json!(x);
        }
    }
}

/// A live result as one JSON object: the features it was fitted on, the scaler, the model and
/// its train and test scores.
pub fn result_json(result: &LiveResult, feature_names: &[String], model: &str) -> Value {
    let mut v = fitted_json(&result.fitted);
    v["model"] = json!(model);
    v["features"] = json!(
        result
            .features
            .iter()
            .map(|&f| feature_names[f].clone())
            .collect::<Vec<_>>()
    );
    v["scaler_mean"] = json!(result.scaler.mean.to_vec());
    v["scaler_std"] = json!(result.scaler.std.to_vec());
    v["fit_ms"] = json!(result.fit_ms);
    put_scores(&mut v, "", &result.train);
    if let Some(test) = &result.test {
        put_scores(&mut v, "test_", test);
        v["n_test"] = json!(test.n);
    }
    v["n_train"] = json!(result.train.n);
    v
}
