//! Changing how a run learns while it runs (as Playground lets the learning rate move
//! mid-training): the rates and penalties apply from the next minibatch on; anything that
//! changes the network itself or its inputs needs a new [`Trainer`].

use super::{TrainParams, Trainer};

impl TrainParams {
    /// Whether `other` trains the same network on the same inputs from the same start (only
    /// rates, penalties, batch size, optimiser or the number of epochs differ).
    pub fn same_network(&self, other: &TrainParams) -> bool {
        self.model == other.model
            && self.hidden_layers() == other.hidden_layers()
            && (self.hidden_layers().is_empty() || self.activation == other.activation)
            && self.features == other.features
            && self.seed == other.seed
    }
}

impl Trainer {
    /// Take the rates, penalties, batch size, optimiser and epochs of `params` (valid, and
    /// [`TrainParams::same_network`] as this run's); returns `false`, changing nothing,
    /// otherwise. A new optimiser starts with empty momentum.
    pub fn adjust(&mut self, params: &TrainParams) -> bool {
        if !self.params.same_network(params) || params.validate().is_err() {
            return false;
        }
        if self.params.optimizer != params.optimizer {
            self.opt = Default::default();
        }
        self.params = params.clone();
        true
    }
}
