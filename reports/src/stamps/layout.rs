//! The label grid of a stamp sheet.

use super::StampPrintError;

/// Where labels go on the page. All lengths in millimetres.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetLayout {
    /// Page width (A4: 210).
    pub page_width_mm: f64,
    /// Page height (A4: 297).
    pub page_height_mm: f64,
    /// Labels per row.
    pub columns: u32,
    /// Rows of labels per page.
    pub rows: u32,
    /// Width of one label.
    pub label_width_mm: f64,
    /// Height of one label.
    pub label_height_mm: f64,
    /// Distance from the page's left edge to the first column.
    pub margin_left_mm: f64,
    /// Distance from the page's top edge to the first row.
    pub margin_top_mm: f64,
    /// Space between columns.
    pub gutter_x_mm: f64,
    /// Space between rows.
    pub gutter_y_mm: f64,
    /// White space inside each label around its content.
    pub padding_mm: f64,
    /// Draw crop marks at label corners.
    pub crop_marks: bool,
    /// Print the header and footer lines in the top and bottom margins.
    pub header_footer: bool,
}

impl Default for SheetLayout {
    /// A4, 5 × 7 labels of 36 × 36 mm with 3 mm gutters, centred: 35 stamps a page.
    fn default() -> Self {
        Self::centered(210.0, 297.0, 5, 7, 36.0, 36.0, 3.0, 3.0)
    }
}

impl SheetLayout {
    /// A grid centred on the page, with 1.5 mm padding, crop marks, header and footer.
    #[allow(clippy::too_many_arguments)]
    pub fn centered(
        page_width_mm: f64,
        page_height_mm: f64,
        columns: u32,
        rows: u32,
        label_width_mm: f64,
        label_height_mm: f64,
        gutter_x_mm: f64,
        gutter_y_mm: f64,
    ) -> Self {
        let used = |n: u32, size: f64, gutter: f64| {
            f64::from(n) * size + f64::from(n.saturating_sub(1)) * gutter
        };
        Self {
            page_width_mm,
            page_height_mm,
            columns,
            rows,
            label_width_mm,
            label_height_mm,
            margin_left_mm: (page_width_mm - used(columns, label_width_mm, gutter_x_mm)) / 2.0,
            margin_top_mm: (page_height_mm - used(rows, label_height_mm, gutter_y_mm)) / 2.0,
            gutter_x_mm,
            gutter_y_mm,
            padding_mm: 1.5,
            crop_marks: true,
            header_footer: true,
        }
    }

    /// Labels on one page.
    pub fn labels_per_page(&self) -> u64 {
        u64::from(self.columns) * u64::from(self.rows)
    }

    pub(crate) fn grid_width(&self) -> f64 {
        f64::from(self.columns) * self.label_width_mm
            + f64::from(self.columns.saturating_sub(1)) * self.gutter_x_mm
    }

    pub(crate) fn grid_height(&self) -> f64 {
        f64::from(self.rows) * self.label_height_mm
            + f64::from(self.rows.saturating_sub(1)) * self.gutter_y_mm
    }

    pub(crate) fn margin_right_mm(&self) -> f64 {
        self.page_width_mm - self.margin_left_mm - self.grid_width()
    }

    pub(crate) fn margin_bottom_mm(&self) -> f64 {
        self.page_height_mm - self.margin_top_mm - self.grid_height()
    }

    /// Checks that the numbers are sane and the grid fits on the page.
    pub fn validate(&self) -> Result<(), StampPrintError> {
        let bad = |m: &str| Err(StampPrintError::InvalidLayout(m.to_owned()));
        let lengths = [
            self.page_width_mm,
            self.page_height_mm,
            self.label_width_mm,
            self.label_height_mm,
            self.margin_left_mm,
            self.margin_top_mm,
            self.gutter_x_mm,
            self.gutter_y_mm,
            self.padding_mm,
        ];
        if lengths.iter().any(|v| !v.is_finite() || *v < 0.0) {
            return bad("lengths must be finite and not negative");
        }
        if self.page_width_mm > 5000.0 || self.page_height_mm > 5000.0 {
            return bad("page larger than 5 m");
        }
        if !(1..=100).contains(&self.columns) || !(1..=100).contains(&self.rows) {
            return bad("columns and rows must be 1 to 100");
        }
        if 2.0 * self.padding_mm >= self.label_width_mm.min(self.label_height_mm) {
            return bad("padding leaves no room in the label");
        }
        const EPS: f64 = 1e-6;
        if self.margin_right_mm() < -EPS {
            return bad("labels are wider than the page");
        }
        if self.margin_bottom_mm() < -EPS {
            return bad("labels are taller than the page");
        }
        if self.header_footer && (self.margin_top_mm < 6.0 || self.margin_bottom_mm() < 6.0) {
            return bad("header and footer need top and bottom margins of 6 mm");
        }
        Ok(())
    }
}
