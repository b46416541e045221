//! Every colour the UI uses, in one place.

use egui::Color32;

/// Okabe–Ito (distinguishable with the common colour-vision deficiencies), then two of Paul
/// Tol's muted colours, so ten classes or features get ten colours.
const CLASS_COLORS: [Color32; 10] = [
    Color32::from_rgb(0, 114, 178),   // blue
    Color32::from_rgb(230, 159, 0),   // orange
    Color32::from_rgb(0, 158, 115),   // bluish green
    Color32::from_rgb(204, 121, 167), // reddish purple
    Color32::from_rgb(86, 180, 233),  // sky blue
    Color32::from_rgb(213, 94, 0),    // vermillion
    Color32::from_rgb(240, 228, 66),  // yellow
    Color32::from_rgb(120, 120, 120), // grey
    Color32::from_rgb(170, 68, 153),  // purple
    Color32::from_rgb(153, 153, 51),  // olive
];

/// Colour of class `k`.
pub fn class_color(k: usize) -> Color32 {
    CLASS_COLORS[k % CLASS_COLORS.len()]
}

/// A perceptually ordered ramp (viridis, 5 stops) for continuous values, `t` in `[0, 1]`. It
/// starts a fifth of the way into viridis: its darkest purple vanishes on the dark background.
pub fn ramp(t: f64) -> Color32 {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    viridis(0.2 + 0.8 * t)
}

fn viridis(t: f64) -> Color32 {
    const STOPS: [(u8, u8, u8); 5] = [
        (68, 1, 84),
        (59, 82, 139),
        (33, 145, 140),
        (94, 201, 98),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    Color32::from_rgb(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// The colour of a figure's role.
pub fn tone(t: crate::figure::Tone) -> Color32 {
    use crate::figure::Tone;
    match t {
        Tone::Class(k) => class_color(k),
        Tone::Ramp(x) => ramp(x),
        Tone::Boundary => boundary(),
        Tone::Margin => margin(),
        Tone::Support => support_ring(),
        Tone::Muted => Color32::GRAY,
    }
}

pub const ERROR: Color32 = Color32::from_rgb(220, 60, 60);
pub const WARNING: Color32 = Color32::from_rgb(220, 160, 40);
pub const OK: Color32 = Color32::from_rgb(90, 170, 90);

/// Add DejaVu Sans behind egui's default fonts, so formulas in tooltips (α, λᵢ, ‖w‖², ≤, ∑ …)
/// and symbols never fall back to missing glyphs.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "dejavu-sans".to_owned(),
        std::sync::Arc::new(egui::FontData::from_static(dejavu::sans::regular())),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("dejavu-sans".to_owned());
    }
    ctx.set_fonts(fonts);
}

thread_local! {
    /// The light theme is on. Set once per frame from the settings by [`use_light`], on the
    /// thread that draws (the colours below follow it, as egui's own visuals do); one per
    /// thread, so that windows drawn on different threads (the UI tests) each keep their own.
    static LIGHT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Switch the plot colours (and egui's visuals) to the light or the dark theme.
pub fn use_light(ctx: &egui::Context, light: bool) {
    LIGHT.with(|l| l.set(light));
    let wanted = if light {
        egui::Theme::Light
    } else {
        egui::Theme::Dark
    };
    if ctx.theme() != wanted {
        ctx.set_theme(wanted);
    }
}

/// Whether the light theme is on (on this thread).
pub fn is_light() -> bool {
    LIGHT.with(std::cell::Cell::get)
}

/// Background the decision-map shading fades into.
pub fn map_background() -> Color32 {
    if is_light() {
        Color32::from_rgb(250, 250, 250)
    } else {
        Color32::from_rgb(24, 24, 24)
    }
}

/// Decision boundary.
pub fn boundary() -> Color32 {
    if is_light() {
        Color32::BLACK
    } else {
        Color32::WHITE
    }
}

/// Margins f = ±1.
pub fn margin() -> Color32 {
    if is_light() {
        Color32::from_rgb(70, 70, 70)
    } else {
        Color32::from_rgb(200, 200, 200)
    }
}

/// Ring around support vectors.
pub fn support_ring() -> Color32 {
    boundary()
}

fn mix(a: Color32, b: Color32, t: f64) -> Color32 {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let m = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round() as u8;
    Color32::from_rgb(m(a.r(), b.r()), m(a.g(), b.g()), m(a.b(), b.b()))
}

/// The colour of one decision-map cell: the winning class's colour, stronger the surer the
/// model is. `values` are class probabilities (`probabilities = true`) or decision values (one
/// for two classes, > 0 meaning class 1; else one per class).
pub fn map_color(values: &[f64], probabilities: bool) -> Color32 {
    const MAX_STRENGTH: f64 = 0.55;
    let (class, strength) = if probabilities {
        let k = values.len().max(2);
        let (c, p) = argmax(values);
        let chance = 1.0 / k as f64;
        (c, (p - chance) / (1.0 - chance))
    } else if values.len() == 1 {
        let f = values[0];
        (usize::from(f > 0.0), f.abs().tanh())
    } else {
        let (c, best) = argmax(values);
        let second = values
            .iter()
            .enumerate()
            .filter(|&(k, _)| k != c)
            .map(|(_, &v)| v)
            .fold(f64::NEG_INFINITY, f64::max);
        (c, (best - second).tanh())
    };
    mix(
        map_background(),
        class_color(class),
        MAX_STRENGTH * strength,
    )
}

fn argmax(values: &[f64]) -> (usize, f64) {
    values
        .iter()
        .copied()
        .enumerate()
        .fold((0, f64::NEG_INFINITY), |best, (k, v)| {
            if v > best.1 { (k, v) } else { best }
        })
}

/// The image of a decision map: `values` is `(nx·ny) × k` with row `j·nx + i` at column `i`
/// from the left and row `j` from the *bottom*.
pub fn map_image(
    values: ndarray::ArrayView2<f64>,
    nx: usize,
    ny: usize,
    probabilities: bool,
) -> egui::ColorImage {
    let mut pixels = vec![map_background(); nx * ny];
    for j in 0..ny {
        for i in 0..nx {
            let row = values.row(j * nx + i);
            let v: Vec<f64> = row.to_vec();
            pixels[(ny - 1 - j) * nx + i] = map_color(&v, probabilities);
        }
    }
    egui::ColorImage::new([nx, ny], pixels)
}
