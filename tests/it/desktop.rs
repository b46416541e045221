//! Starting like a desktop app: assets/ridgeline.desktop, the hicolor icons, and
//! scripts/install-desktop.sh run as a user runs it (into a temporary home, with a fake binary).

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SIZES: [u32; 7] = [16, 32, 48, 64, 128, 256, 512];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `[Desktop Entry]` group of a desktop file: keys and their unescaped values.
fn desktop_entry(path: &Path) -> BTreeMap<String, String> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut group = None;
    let mut entry = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            assert!(
                group.is_some() || name == "Desktop Entry",
                "the first group must be [Desktop Entry], not [{name}]"
            );
            group = Some(name.to_string());
            continue;
        }
        let group = group.as_deref().expect("a key before the first group");
        let (key, value) = line.split_once('=').expect("key=value");
        if group != "Desktop Entry" {
            continue;
        }
        let (key, value) = (key.trim(), unescape(value.trim()));
        assert!(
            entry.insert(key.to_string(), value).is_none(),
            "{key} twice"
        );
    }
    entry
}

/// The string escapes of the Desktop Entry spec: \s \n \t \r \\.
fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('s') => out.push(' '),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            other => panic!("bad escape \\{other:?} in {value:?}"),
        }
    }
    out
}

fn on_path(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|p| p.is_file())
}

/// desktop-file-validate, when installed (install-deps.sh installs it, so in CI it is): no
/// error, warning or hint. `None` when the tool is absent.
fn validate(path: &Path) -> Option<()> {
    let tool = on_path("desktop-file-validate")?;
    let out = Command::new(tool).arg(path).output().expect("runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{}: {said}", path.display());
    assert!(said.trim().is_empty(), "{}: {said}", path.display());
    Some(())
}

/// scripts/install-desktop.sh ARGS with the given environment variables set, and none of the
/// script's others inherited from the test's environment.
fn install_script(args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg(repo().join("scripts/install-desktop.sh"))
        .args(args);
    for name in [
        "RIDGELINE_BIN",
        "XDG_DATA_HOME",
        "CARGO_HOME",
        "CARGO_INSTALL_ROOT",
    ] {
        cmd.env_remove(name);
    }
    for (name, value) in env {
        cmd.env(name, value);
    }
    cmd.output().expect("bash runs")
}

fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An executable stand-in for the installed binary.
fn fake_binary(path: &Path) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, "#!/bin/sh\nexit 0\n").unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// What install-desktop.sh puts under a data directory.
fn installed(data: &Path) -> Vec<PathBuf> {
    let mut files = vec![data.join("applications/ridgeline.desktop")];
    for n in SIZES {
        files.push(data.join(format!("icons/hicolor/{n}x{n}/apps/ridgeline.png")));
    }
    files
}

/// Every file under `dir`, relative to it, sorted.
fn tree(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out.sort();
    out
}

#[test]
fn desktop_entry_says_how_to_start_the_app() {
    let path = repo().join("assets/ridgeline.desktop");
    let e = desktop_entry(&path);
    let key = |k: &str| {
        e.get(k)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("no {k}"))
    };
    assert_eq!(key("Type"), "Application");
    assert_eq!(key("Name"), "Ridgeline");
    assert!(!key("GenericName").is_empty());
    assert!(!key("Comment").is_empty());
    let exec = key("Exec");
    assert!(
        exec == "ridgeline" || exec.starts_with("ridgeline "),
        "Exec={exec}: install-desktop.sh rewrites a leading `ridgeline`"
    );
    assert_eq!(
        key("Icon"),
        "ridgeline",
        "the icons are installed as ridgeline.png"
    );
    assert_eq!(key("Terminal"), "false");
    assert_eq!(key("StartupWMClass"), "ridgeline");
    let categories: Vec<&str> = key("Categories").split_terminator(';').collect();
    assert!(key("Categories").ends_with(';'));
    for c in ["Science", "DataVisualization"] {
        assert!(categories.contains(&c), "Categories lacks {c}");
    }
    assert!(key("Keywords").ends_with(';') && key("Keywords").len() > 1);
    // A file type is claimed only when Exec passes the file on (`ridgeline FILE.csv`; from the
    // menu `%f` is dropped and the window opens on the remembered data).
    let takes_file = ["%f", "%F", "%u", "%U"].iter().any(|c| exec.contains(c));
    assert_eq!(
        e.contains_key("MimeType"),
        takes_file,
        "MimeType without a file in Exec (or the other way round)"
    );
    if takes_file {
        assert!(key("MimeType").split(';').any(|m| m == "text/csv"));
    }
    // The window's app id, which desktops match against StartupWMClass.
    let startup = fs::read_to_string(repo().join("src/app/startup.rs")).unwrap();
    assert!(
        startup.contains(&format!("with_app_id({:?})", key("StartupWMClass"))),
        "src/app/startup.rs does not set the app id to StartupWMClass"
    );
    validate(&path);
}

#[test]
fn icons_are_pngs_of_the_size_their_names_say() {
    for n in SIZES {
        let path = repo().join(format!("assets/icon-{n}.png"));
        let bytes = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            "{} is not a PNG",
            path.display()
        );
        let dims = image::image_dimensions(&path).unwrap();
        assert_eq!(dims, (n, n), "{}", path.display());
    }
}

#[test]
fn install_desktop_puts_the_entry_and_icons_under_xdg_data_home_and_uninstall_removes_them() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let data = tmp.path().join("data");
    let bin = tmp.path().join("bin/ridgeline");
    fake_binary(&bin);
    fs::create_dir_all(&home).unwrap();
    // Someone else's entry and icon, which must come through untouched.
    let others = [
        (
            data.join("applications/other.desktop"),
            b"[Desktop Entry]\n".to_vec(),
        ),
        (
            data.join("icons/hicolor/48x48/apps/other.png"),
            b"not ours".to_vec(),
        ),
    ];
    for (p, bytes) in &others {
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }
    let env = [
        ("HOME", home.as_path()),
        ("XDG_DATA_HOME", &data),
        ("RIDGELINE_BIN", &bin),
    ];

    assert_ok(&install_script(&[], &env));
    let first: Vec<Vec<u8>> = installed(&data)
        .iter()
        .map(|p| fs::read(p).unwrap())
        .collect();
    // Idempotent: a second run leaves the same files.
    assert_ok(&install_script(&[], &env));
    for (p, before) in installed(&data).iter().zip(&first) {
        assert_eq!(
            &fs::read(p).unwrap(),
            before,
            "{} changed on a rerun",
            p.display()
        );
    }

    let desktop = data.join("applications/ridgeline.desktop");
    let e = desktop_entry(&desktop);
    assert_eq!(
        e["Exec"],
        format!("{} %f", bin.to_str().unwrap()),
        "Exec is the binary's absolute path, then the file"
    );
    let source = desktop_entry(&repo().join("assets/ridgeline.desktop"));
    for (k, v) in &source {
        if k != "Exec" {
            assert_eq!(&e[k], v, "{k} changed on the way");
        }
    }
    for n in SIZES {
        let p = data.join(format!("icons/hicolor/{n}x{n}/apps/ridgeline.png"));
        assert_eq!(
            image::image_dimensions(&p).unwrap(),
            (n, n),
            "{}",
            p.display()
        );
    }
    assert!(tree(&home).is_empty(), "wrote into HOME: {:?}", tree(&home));
    validate(&desktop);

    assert_ok(&install_script(&["--uninstall"], &env));
    for p in installed(&data) {
        assert!(!p.exists(), "{} is still there", p.display());
    }
    for (p, bytes) in &others {
        assert_eq!(&fs::read(p).unwrap(), bytes, "{} was touched", p.display());
    }
    // Uninstalling twice is fine.
    assert_ok(&install_script(&["--uninstall"], &env));
}

#[test]
fn install_desktop_defaults_to_cargo_bin_and_local_share() {
    let tmp = tempfile::tempdir().unwrap();
    // A space in the path: Exec must quote it.
    let home = tmp.path().join("a home");
    let bin = home.join(".cargo/bin/ridgeline");
    fake_binary(&bin);
    let env = [("HOME", home.as_path())];

    assert_ok(&install_script(&[], &env));
    let data = home.join(".local/share");
    for p in installed(&data) {
        assert!(p.is_file(), "{} missing", p.display());
    }
    let e = desktop_entry(&data.join("applications/ridgeline.desktop"));
    assert_eq!(e["Exec"], format!("\"{}\" %f", bin.display()));
    validate(&data.join("applications/ridgeline.desktop"));

    assert_ok(&install_script(&["--uninstall"], &env));
    // Nothing left behind but the binary: no entry, icons, caches or emptied directories.
    assert_eq!(tree(&data), Vec::<PathBuf>::new());
    assert!(!data.join("applications").exists() && !data.join("icons").exists());
}

#[test]
fn install_desktop_refuses_without_a_binary_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let missing = tmp.path().join("nowhere/ridgeline");
    let env = [
        ("HOME", tmp.path()),
        ("XDG_DATA_HOME", data.as_path()),
        ("RIDGELINE_BIN", &missing),
    ];
    let out = install_script(&[], &env);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cargo install"), "{err}");
    assert!(!data.exists());

    let out = install_script(&["--bogus"], &env);
    assert_eq!(out.status.code(), Some(2));
}
