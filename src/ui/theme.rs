//! Every colour the UI uses, in one place.

use egui::Color32;

/// Okabe–Ito: distinguishable with the common colour-vision deficiencies.
const CLASS_COLORS: [Color32; 8] = [
    Color32::from_rgb(0, 114, 178),   // blue
    Color32::from_rgb(230, 159, 0),   // orange
    Color32::from_rgb(0, 158, 115),   // bluish green
    Color32::from_rgb(204, 121, 167), // reddish purple
    Color32::from_rgb(86, 180, 233),  // sky blue
    Color32::from_rgb(213, 94, 0),    // vermillion
    Color32::from_rgb(240, 228, 66),  // yellow
    Color32::from_rgb(120, 120, 120), // grey
];

/// Colour of class `k`.
pub fn class_color(k: usize) -> Color32 {
    CLASS_COLORS[k % CLASS_COLORS.len()]
}

/// A perceptually ordered ramp (viridis, 5 stops) for continuous values, `t` in `[0, 1]`.
pub fn ramp(t: f64) -> Color32 {
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
