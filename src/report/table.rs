//! The inventory as aligned columns, for reading in a terminal.

use crate::outcome::Inventory;

/// `techpolicy inventory --format table`.
pub fn render_inventory(inventory: &Inventory) -> String {
    let header = [
        "ECOSYSTEM",
        "NAME",
        "VERSION",
        "REQUIREMENT",
        "LOCATION",
        "DIRECT",
        "TECHNOLOGY",
        "STATUS",
    ];
    let rows: Vec<[String; 8]> = inventory
        .entries
        .iter()
        .map(|entry| {
            let d = &entry.dependency;
            let mut version = d.version.clone().unwrap_or_else(|| "-".into());
            // An image whose reference, or its tag or digest, needs a variable with no value:
            // the JSON says so in `source`, which the table has no column for.
            if let Some(why) = d
                .source
                .as_ref()
                .filter(|_| d.ecosystem.rules().source_qualifies_version())
            {
                version.push_str(&format!(" ({why})"));
            }
            [
                d.ecosystem.to_string(),
                d.name.clone(),
                version,
                d.requirement.clone().unwrap_or_else(|| "-".into()),
                format!("{}:{}", d.file, d.line),
                if d.direct { "direct" } else { "transitive" }.to_string(),
                entry.technology.clone().unwrap_or_else(|| "-".into()),
                entry.status.map_or_else(|| "-".into(), |s| s.to_string()),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut push_row = |cells: &[&str]| {
        let line: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    };
    push_row(&header);
    for row in &rows {
        push_row(&row.each_ref().map(String::as_str));
    }
    out
}
