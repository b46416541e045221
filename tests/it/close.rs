//! Closing the window ends the process, whatever is computing: the real binary in a real
//! window (Xvfb), a learning curve of many fits running, the window closed as its close button
//! would close it (`--quit-after`). Worker threads are detached, so no solver can hold the
//! process open.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[test]
fn closing_the_window_while_a_long_job_runs_ends_the_process() {
    let runtime = tempfile::tempdir().unwrap();
    let mut child = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24"])
        .arg(env!("CARGO_BIN_EXE_ridgeline"))
        .args([
            "--fresh",
            "--dataset",
            "winequality",
            "--model",
            // An RBF SVM (6 classes, one-vs-one): logistic regression's learning curve, the
            // long job here before, now ends within the two seconds.
            "svm",
            "--all-features",
            "--view",
            "curves",
            "--curve",
            "learning",
            "--quit-after",
            "2",
        ])
        .env("XDG_RUNTIME_DIR", runtime.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xvfb-run (scripts/install-deps.sh installs it)");
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("closing the window") {
                let _ = tx.send((Instant::now(), line));
            }
        }
    });
    let (closed_at, line) = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("the window opened and was closed");
    // The scene the test is about: a job was running when the window closed.
    assert!(line.contains("busy: true"), "{line}");
    let limit = Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if closed_at.elapsed() > limit {
            let _ = child.kill();
            panic!("the process was still running {limit:?} after its window closed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    eprintln!("exited {:?} after the window closed", closed_at.elapsed());
    assert!(status.success(), "{status:?}");
}
