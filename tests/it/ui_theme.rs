//! The light theme: one click in the top bar turns the window and the plots light (the
//! decision map is coloured again into a light background), and the choice is a setting.

use crate::common::{save_screenshot, settled_on};
use egui_kittest::kittest::Queryable as _;
use ridgeline::app::{Settings, Tab};

/// Mean brightness (0-255) of the pixels of `rect` (in points) of the rendered window.
fn brightness(image: &image::RgbaImage, rect: egui::Rect, pixels_per_point: f32) -> f64 {
    let (mut sum, mut n) = (0.0, 0.0);
    let x0 = (rect.left() * pixels_per_point) as u32;
    let x1 = ((rect.right() * pixels_per_point) as u32).min(image.width());
    let y0 = (rect.top() * pixels_per_point) as u32;
    let y1 = ((rect.bottom() * pixels_per_point) as u32).min(image.height());
    for y in y0..y1 {
        for x in x0..x1 {
            let p = image.get_pixel(x, y);
            sum += (f64::from(p[0]) + f64::from(p[1]) + f64::from(p[2])) / 3.0;
            n += 1.0;
        }
    }
    sum / n
}

#[test]
fn the_sun_button_turns_the_window_and_the_map_light_and_back() {
    let mut settings = Settings::default();
    settings.view.tab = Tab::Model;
    let mut h = settled_on(settings, egui::vec2(1280.0, 800.0));
    let ppp = h.ctx.pixels_per_point();
    let plot = h.get_by_label("plot: boundary").rect();
    let panel = h.get_by_label("Data").rect();
    let dark = h.render().expect("rendering");
    let (dark_plot, dark_panel) = (brightness(&dark, plot, ppp), brightness(&dark, panel, ppp));
    assert!(
        dark_plot < 110.0 && dark_panel < 110.0,
        "{dark_plot} {dark_panel}"
    );

    h.get_by_label("☀").click();
    h.run_steps(3);
    assert!(h.state().settings.view.light_theme);
    assert_eq!(h.ctx.theme(), egui::Theme::Light);
    let light = h.render().expect("rendering");
    let (light_plot, light_panel) = (
        brightness(&light, plot, ppp),
        brightness(&light, panel, ppp),
    );
    assert!(
        light_plot > 150.0 && light_panel > 150.0,
        "{light_plot} {light_panel}"
    );
    save_screenshot(&mut h, "light-theme");

    h.get_by_label("🌙").click();
    h.run_steps(3);
    assert!(!h.state().settings.view.light_theme);
    let again = h.render().expect("rendering");
    assert!(brightness(&again, plot, ppp) < 110.0);
}
