//! Undo: the data, columns, split and model settings before each change. A drag counts once,
//! when released. View choices (tab, axes) are not undone.

use crate::state::{DataRequest, Level, ModelSettings};

use super::RidgelineApp;

/// Most changes remembered.
const MAX_UNDO: usize = 100;

/// What Undo restores.
#[derive(Clone, Debug, PartialEq)]
struct UndoState {
    data: DataRequest,
    model: ModelSettings,
}

#[derive(Default)]
pub struct Undo {
    stack: Vec<UndoState>,
    /// The undoable settings when last looked at, to notice changes.
    last: Option<UndoState>,
}

impl Undo {
    pub fn can_undo(&self) -> bool {
        !self.stack.is_empty()
    }
}

impl RidgelineApp {
    fn undo_state(&self) -> UndoState {
        UndoState {
            data: self.settings.data_request(),
            model: self.settings.model.clone(),
        }
    }

    /// Remember the settings before a change (called when no pointer is down).
    pub(super) fn track_undo(&mut self) {
        let now = self.undo_state();
        let undo = &mut self.rt.undo;
        match &undo.last {
            Some(last) if *last != now => {
                undo.stack.push(last.clone());
                if undo.stack.len() > MAX_UNDO {
                    undo.stack.remove(0);
                }
                undo.last = Some(now);
            }
            Some(_) => {}
            None => undo.last = Some(now),
        }
    }

    pub(super) fn undo(&mut self) {
        if let Some(previous) = self.rt.undo.stack.pop() {
            self.settings.source = previous.data.source.clone();
            self.settings.roles = previous.data.roles.clone();
            self.settings.prep = previous.data.prep.clone();
            self.settings.model = previous.model.clone();
            self.rt.undo.last = Some(previous);
            self.set_status(Level::Info, "undone");
        }
    }
}
