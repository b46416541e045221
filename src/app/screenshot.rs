//! `--screenshot OUT.png`: wait until the data and the model are on screen, let the plots
//! settle for a few frames, photograph the window, save it and quit.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::RidgelineApp;

pub struct ScreenshotState {
    path: PathBuf,
    /// Frames drawn since the data became ready (a few, so plots settle).
    settled_frames: u32,
    requested: bool,
    done: Arc<AtomicBool>,
}

impl ScreenshotState {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            settled_frames: 0,
            requested: false,
            done: Arc::default(),
        }
    }
}

impl RidgelineApp {
    pub(super) fn drive_screenshot(&mut self, ctx: &egui::Context) {
        let ready = self.data().is_some() && !self.is_busy();
        let Some(shot) = &mut self.rt.screenshot else {
            return;
        };
        if shot.done.load(Ordering::SeqCst) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        if !ready || shot.requested {
            ctx.request_repaint();
            return;
        }
        shot.settled_frames += 1;
        if shot.settled_frames >= 10 {
            shot.requested = true;
            let path = shot.path.clone();
            let done = Arc::clone(&shot.done);
            let repaint = ctx.clone();
            ctx.request_screenshot(move |image| {
                if let Err(e) = save_png(&image, &path) {
                    eprintln!("error: could not save the screenshot: {e}");
                } else {
                    eprintln!("saved {}", path.display());
                }
                done.store(true, Ordering::SeqCst);
                repaint.request_repaint();
            });
        }
        ctx.request_repaint();
    }
}

/// Photograph the window at the next frame and save the picture (Export… → Window: PNG); the
/// PNG is encoded and written on a thread of its own.
pub fn save_window_png(ctx: &egui::Context, path: PathBuf) {
    ctx.request_screenshot(move |image| {
        let _ = crate::worker::io::run("ridgeline-save-png", move || {
            if let Err(e) = save_png(&image, &path) {
                eprintln!("error: could not save the window: {e}");
            }
        });
    });
    ctx.request_repaint();
}

/// Save an image of the window as PNG.
pub fn save_png(image: &egui::ColorImage, path: &Path) -> Result<(), String> {
    let [w, h] = image.size;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    let buffer = image::RgbaImage::from_raw(w as u32, h as u32, bytes)
        .ok_or_else(|| "screenshot has the wrong size".to_string())?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    buffer
        .save(path)
        .map_err(|e| format!("{}: {e}", path.display()))
}
