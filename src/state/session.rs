//! Sessions: everything needed to come back to an analysis, in one file a person can read.
//!
//! A session file is pretty-printed JSON:
//!
//! ```text
//! {
//!   "format": "ridgeline-session",      what the file is (anything else is "not a session")
//!   "version": 1,                        the layout's version (newer ones are refused, said so)
//!   "saved_by": "ridgeline 0.1.0",
//!   "source": { "Builtin": { "Generated": { "kind": "Moons", "n": 300, "noise": 0.2, "seed": 0 } } }
//!             or { "File": "/abs/path/data.csv" },
//!   "data": { "name": "moons", "rows": 300, "columns": 3 },   what was read, for messages
//!   "data_hash": "fnv1a64:…",            the table's content ([`crate::data::hash`])
//!   "settings": { "roles": …, "prep": …, "model": …, "view": … }
//! }
//! ```
//!
//! `settings` holds every choice of [`Settings`] but two kinds: the recent files (they belong
//! to the machine, not the analysis) and the UI-only toggles of [`UI_ONLY_VIEW_KEYS`] (the help
//! window and the hidden side panels). [`Session::apply_to`] keeps the current ones of both.
//!
//! A file source is saved as an absolute path. A relative path (written by hand) is taken
//! relative to the session file's directory.
//!
//! [`Session::save`] is atomic: the text goes to a temporary file in the same directory, is
//! flushed to disk (`fsync`) and renamed over the target, so the target is always either the
//! old file or the whole new one, and a failed save removes its temporary file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::data::dataset::Roles;
use crate::data::hash::table_hash;
use crate::data::prep::PrepSettings;
use crate::data::{Source, Table, load_source};
use crate::error::Error;
use crate::progress::Progress;
use crate::state::settings::{ModelSettings, Settings, ViewSettings};

/// The `format` of every session file.
pub const FORMAT: &str = "ridgeline-session";

/// The session layout this version writes, and the newest it reads.
pub const VERSION: u32 = 1;

/// Keys of [`ViewSettings`] left out of a session: they are about the window, not the analysis.
pub const UI_ONLY_VIEW_KEYS: [&str; 3] = ["show_help", "hide_data_panel", "hide_model_panel"];

/// Larger files are not read as sessions (a session is a few kilobytes).
const MAX_SESSION_BYTES: u64 = 16 << 20;

/// One saved analysis: where the data came from, a hash of it, and every choice made on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Always [`FORMAT`].
    pub format: String,
    /// The layout's version ([`VERSION`] when written by this build).
    pub version: u32,
    /// The program and version that wrote the file (informative).
    #[serde(default)]
    pub saved_by: String,
    /// The data source: a built-in with its generator parameters and seed, or a file.
    pub source: Source,
    /// What was read from the source when the session was saved.
    pub data: DataSummary,
    /// [`crate::data::hash::table_hash`] of the table read from the source.
    pub data_hash: String,
    /// The user's choices.
    pub settings: SessionSettings,
}

/// The table a session was saved with, in words (for messages; the hash is what is checked).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DataSummary {
    /// The file name, or the built-in dataset's name.
    pub name: String,
    pub rows: usize,
    pub columns: usize,
}

/// The choices a session keeps: all of [`Settings`] but the source (kept beside them), the
/// recent files and the UI-only view toggles.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionSettings {
    /// Target column (by name), task, features switched off.
    pub roles: Roles,
    /// Test share, split seed, stratification, standardisation.
    pub prep: PrepSettings,
    /// The estimator and its parameters, what it is fitted on, CV folds, the pinned A.
    pub model: ModelSettings,
    /// The current view: tab, axes, curve, … (without [`UI_ONLY_VIEW_KEYS`]).
    #[serde(with = "analysis_view")]
    pub view: ViewSettings,
    /// The Train view's model, network, optimiser and inputs.
    #[serde(default)]
    pub train: crate::train::TrainParams,
}

/// [`ViewSettings`] without the UI-only keys (reading fills them with their defaults).
mod analysis_view {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{UI_ONLY_VIEW_KEYS, ViewSettings};

    pub fn serialize<S: Serializer>(view: &ViewSettings, s: S) -> Result<S::Ok, S::Error> {
        let mut value = serde_json::to_value(view).map_err(serde::ser::Error::custom)?;
        if let serde_json::Value::Object(map) = &mut value {
            for key in UI_ONLY_VIEW_KEYS {
                map.remove(key);
            }
        }
        value.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ViewSettings, D::Error> {
        let mut view = ViewSettings::deserialize(d)?;
        super::clear_ui_only(&mut view);
        Ok(view)
    }
}

/// Reset the toggles a session does not keep.
fn clear_ui_only(view: &mut ViewSettings) {
    let default = ViewSettings::default();
    view.show_help = default.show_help;
    view.hide_data_panel = default.hide_data_panel;
    view.hide_model_panel = default.hide_model_panel;
}

impl Session {
    /// The session of `settings` on `table`, the table read from `settings.source`.
    pub fn capture(settings: &Settings, table: &Table) -> Session {
        let source = match &settings.source {
            Source::File(path) => Source::File(std::path::absolute(path).unwrap_or(path.clone())),
            builtin => builtin.clone(),
        };
        let mut view = settings.view.clone();
        clear_ui_only(&mut view);
        Session {
            format: FORMAT.to_string(),
            version: VERSION,
            saved_by: format!("ridgeline {}", env!("CARGO_PKG_VERSION")),
            source,
            data: DataSummary {
                name: table.name.clone(),
                rows: table.n_rows,
                columns: table.columns.len(),
            },
            data_hash: table_hash(table),
            settings: SessionSettings {
                roles: settings.roles.clone(),
                prep: settings.prep.clone(),
                model: settings.model.clone(),
                view,
                train: settings.train.clone(),
            },
        }
    }

    /// The settings the session holds, with no recent files and the UI-only toggles at their
    /// defaults. (Not checked: [`Settings::sanitize`] brings them into the window's ranges.)
    pub fn to_settings(&self) -> Settings {
        let s = &self.settings;
        Settings {
            source: self.source.clone(),
            roles: s.roles.clone(),
            prep: s.prep.clone(),
            view: s.view.clone(),
            model: s.model.clone(),
            recent_files: Vec::new(),
            train: s.train.clone(),
        }
    }

    /// Replace `current`'s choices with the session's, keeping its recent files and UI-only
    /// toggles; values out of the window's range are reset, one note each (as for restored
    /// settings).
    pub fn apply_to(&self, current: &mut Settings) -> Vec<String> {
        let mut next = self.to_settings();
        next.recent_files = std::mem::take(&mut current.recent_files);
        next.view.show_help = current.view.show_help;
        next.view.hide_data_panel = current.view.hide_data_panel;
        next.view.hide_model_panel = current.view.hide_model_panel;
        *current = next;
        current.sanitize()
    }

    /// Write the session as pretty-printed JSON, atomically (see the module's documentation).
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        save_with(self, path, |file, bytes| file.write_all(bytes))
    }

    /// Read a session file. Errors say whether the file could not be read, is not a session,
    /// was written by a newer Ridgeline, or is damaged.
    pub fn open(path: &Path) -> Result<Session, Error> {
        let shown = path.display();
        let meta = fs::metadata(path).map_err(|e| {
            Error::Load(match e.kind() {
                io::ErrorKind::NotFound => format!("session file {shown} not found"),
                _ => format!("cannot read session file {shown}: {e}"),
            })
        })?;
        if !meta.is_file() {
            return Err(not_a_session(path, "not a regular file"));
        }
        if meta.len() > MAX_SESSION_BYTES {
            return Err(not_a_session(
                path,
                &format!("{} bytes; a session is a few kilobytes", meta.len()),
            ));
        }
        let bytes = fs::read(path)
            .map_err(|e| Error::Load(format!("cannot read session file {shown}: {e}")))?;
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| not_a_session(path, &format!("{e}")))?;
        if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(not_a_session(
                path,
                &format!("no \"format\": \"{FORMAT}\" in it"),
            ));
        }
        let Some(version) = value.get("version").and_then(|v| v.as_u64()) else {
            return Err(not_a_session(path, "no \"version\" number in it"));
        };
        if version > u64::from(VERSION) {
            return Err(Error::Load(format!(
                "{shown} was saved by a newer Ridgeline (session version {version}; this one \
                 reads up to {VERSION}): update Ridgeline to open it"
            )));
        }
        // Parsed again from the text, so a damaged field is named with its line.
        let mut session: Session = serde_json::from_slice(&bytes)
            .map_err(|e| Error::Load(format!("session file {shown} is damaged: {e}")))?;
        if let Source::File(data) = &mut session.source
            && data.is_relative()
        {
            let dir = path.parent().unwrap_or(Path::new(""));
            *data = dir.join(&*data);
        }
        Ok(session)
    }

    /// Check that `table` is the data the session was saved with.
    pub fn check_data(&self, table: &Table) -> Result<(), Error> {
        let now = table_hash(table);
        if now == self.data_hash {
            return Ok(());
        }
        let then = &self.data;
        Err(Error::Data(format!(
            "the data has changed since the session was saved: hash {} ≠ {now} ({}: {} rows × \
             {} columns when saved, {} × {} now)",
            self.data_hash,
            self.source.label(),
            then.rows,
            then.columns,
            table.n_rows,
            table.columns.len()
        )))
    }

    /// Read the session's data, saying so when its file is missing (no hash check: see
    /// [`Session::load_data`]).
    pub fn read_data(&self, progress: &Progress) -> Result<Table, Error> {
        if let Source::File(path) = &self.source
            && !path.exists()
        {
            return Err(Error::Load(format!(
                "the session's data file {} is missing",
                path.display()
            )));
        }
        Ok(load_source(&self.source, progress)?)
    }

    /// Read the session's data and check it is the data the session was saved with.
    pub fn load_data(&self, progress: &Progress) -> Result<Table, Error> {
        let table = self.read_data(progress)?;
        self.check_data(&table)?;
        Ok(table)
    }
}

fn not_a_session(path: &Path, why: &str) -> Error {
    Error::Load(format!(
        "{} is not a Ridgeline session file ({why})",
        path.display()
    ))
}

/// Temporary files of saves in progress get distinct names within a process.
static SAVES: AtomicU64 = AtomicU64::new(0);

/// [`Session::save`] with the write of the bytes given (tests make it fail halfway).
fn save_with(
    session: &Session,
    path: &Path,
    write: impl FnOnce(&mut File, &[u8]) -> io::Result<()>,
) -> Result<(), Error> {
    let fail = |e: io::Error| {
        Error::Load(format!(
            "cannot save the session to {}: {e}",
            path.display()
        ))
    };
    let Some(name) = path.file_name() else {
        return Err(fail(io::Error::other("not a file name")));
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut text =
        serde_json::to_string_pretty(session).map_err(|e| fail(io::Error::other(e.to_string())))?;
    text.push('\n');
    let tmp: PathBuf = dir.join(format!(
        ".{}.{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        SAVES.fetch_add(1, Ordering::Relaxed)
    ));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(fail)?;
    let written = write(&mut file, text.as_bytes())
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            drop(file);
            fs::rename(&tmp, path)
        });
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(fail(e));
    }
    // The rename is durable once the directory is (best effort: not every system allows it).
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::builtin::Builtin;
    use crate::estimators::ModelKind;

    fn moons() -> (Settings, Table) {
        let settings = Settings::default();
        let table = load_source(&settings.source, &Progress::new()).unwrap();
        (settings, table)
    }

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_save_that_fails_halfway_leaves_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let (mut settings, table) = moons();
        Session::capture(&settings, &table).save(&path).unwrap();
        let old = fs::read(&path).unwrap();

        settings.model.spec.svm.c = 42.0;
        let newer = Session::capture(&settings, &table);
        let e = save_with(&newer, &path, |file, bytes| {
            file.write_all(&bytes[..bytes.len() / 2])?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(e.to_string().contains("cannot save the session to"), "{e}");
        assert!(e.to_string().contains("disk full"), "{e}");
        assert_eq!(fs::read(&path).unwrap(), old, "the old file is untouched");
        assert_eq!(
            files_in(dir.path()),
            ["s.json"],
            "no temporary file is left"
        );
        assert_eq!(Session::open(&path).unwrap().settings.model.spec.svm.c, 1.0);
    }

    #[test]
    fn a_rename_that_fails_removes_the_temporary_file() {
        // The target is a directory: the text is written and synced, then the rename fails.
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("taken");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("inside"), "kept").unwrap();
        let (settings, table) = moons();
        let e = Session::capture(&settings, &table)
            .save(&target)
            .unwrap_err();
        assert!(matches!(e, Error::Load(_)), "{e:?}");
        assert_eq!(files_in(dir.path()), ["taken"]);
        assert_eq!(fs::read_to_string(target.join("inside")).unwrap(), "kept");
    }

    #[test]
    fn ui_only_toggles_and_recent_files_are_not_saved_and_are_kept_on_apply() {
        let (mut settings, table) = moons();
        settings.view.show_help = true;
        settings.view.hide_model_panel = true;
        settings.recent_files = vec![PathBuf::from("/secret/elsewhere.csv")];
        settings.view.loss_log_y = true;
        let session = Session::capture(&settings, &table);
        let text = serde_json::to_string_pretty(&session).unwrap();
        for key in UI_ONLY_VIEW_KEYS.iter().chain(&["recent_files"]) {
            assert!(!text.contains(key), "{key} in {text}");
        }
        assert!(text.contains("\"loss_log_y\": true"), "{text}");

        let mut current = Settings {
            recent_files: vec![PathBuf::from("/mine.csv")],
            ..Settings::default()
        };
        current.view.hide_data_panel = true;
        current.model.spec.kind = ModelKind::Pca;
        let notes = session.apply_to(&mut current);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(current.recent_files, [PathBuf::from("/mine.csv")]);
        assert!(current.view.hide_data_panel && !current.view.hide_model_panel);
        assert!(!current.view.show_help);
        assert!(current.view.loss_log_y);
        assert_eq!(
            current.model.spec.kind,
            ModelKind::Svm,
            "the session's model"
        );
    }

    #[test]
    fn apply_resets_values_out_of_the_window_s_range_with_a_note() {
        let (mut settings, table) = moons();
        // The command line accepts 10 generated samples; the window's slider starts at 20.
        settings.source = Source::Builtin(Builtin::Generated {
            kind: crate::data::generate::Generator::Moons,
            n: 10,
            noise: 0.1,
            seed: 3,
        });
        let session = Session::capture(&settings, &table);
        let mut current = Settings::default();
        let notes = session.apply_to(&mut current);
        assert_eq!(notes, ["sample count 10"]);
    }

    #[test]
    fn a_relative_data_path_is_taken_from_the_session_s_directory() {
        let dir = tempfile::tempdir().unwrap();
        let (mut settings, table) = moons();
        settings.source = Source::File(dir.path().join("d.csv"));
        let mut session = Session::capture(&settings, &table);
        session.source = Source::File(PathBuf::from("d.csv"));
        let path = dir.path().join("s.json");
        session.save(&path).unwrap();
        let opened = Session::open(&path).unwrap();
        assert_eq!(opened.source, Source::File(dir.path().join("d.csv")));
    }

    #[test]
    fn capture_makes_a_file_path_absolute() {
        let (mut settings, table) = moons();
        settings.source = Source::File(PathBuf::from("relative/d.csv"));
        let session = Session::capture(&settings, &table);
        let Source::File(p) = &session.source else {
            panic!("a file")
        };
        assert!(p.is_absolute() && p.ends_with("relative/d.csv"), "{p:?}");
    }
}
