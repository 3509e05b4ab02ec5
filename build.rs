//! Generates the `i18n` module from locales/{en,ko}.json (leptos_i18n). A key used in the
//! code but absent from the files fails to compile; a key present in one locale and missing
//! from the other fails the build here (leptos_i18n alone would only warn and fall back).
//! Also embeds the lessons: every `lessons/*.json`, in file-name order, compacted into
//! `$OUT_DIR/lessons/` and listed in `$OUT_DIR/lessons.rs` for `include_str!`.

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::collections::BTreeSet;
use std::error::Error;
use std::path::PathBuf;

const LOCALES: &[&str] = &["en", "ko"];

fn keys(locale: &str) -> Result<BTreeSet<String>, Box<dyn Error>> {
    let path = format!("locales/{locale}.json");
    let text = std::fs::read_to_string(&path)?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let obj = value.as_object().ok_or_else(|| format!("{path}: not a JSON object"))?;
    for (k, v) in obj {
        if !v.is_string() || v.as_str().is_some_and(|s| s.trim().is_empty()) {
            return Err(format!("{path}: key {k} must be a non-empty string").into());
        }
    }
    Ok(obj.keys().cloned().collect())
}

/// Writes `$OUT_DIR/lessons.rs`: `LESSON_FILES`, (file name, compact JSON) of every lesson.
fn embed_lessons(out_dir: &std::path::Path) -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=lessons");
    let mut files: Vec<PathBuf> = std::fs::read_dir("lessons")?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|p| p.extension().is_some_and(|x| x == "json"));
    files.sort();
    let dir = out_dir.join("lessons");
    std::fs::create_dir_all(&dir)?;
    let mut ids: Vec<(u64, String, String)> = Vec::new();
    let mut list = String::from("/// Every lesson file, (file name, compact JSON), in file-name order.\npub const LESSON_FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo::rerun-if-changed={}", f.display());
        let name = f.file_name().and_then(|n| n.to_str()).ok_or("lesson file name")?.to_string();
        let text = std::fs::read_to_string(f)?;
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", f.display()))?;
        let order = value.get("order").and_then(|o| o.as_u64()).ok_or_else(|| format!("{}: no order", f.display()))?;
        let id = value.get("id").and_then(|i| i.as_str()).ok_or_else(|| format!("{}: no id", f.display()))?;
        ids.push((order, name.clone(), id.to_string()));
        let compact = dir.join(&name);
        std::fs::write(&compact, serde_json::to_string(&value)?)?;
        list.push_str(&format!("    ({name:?}, include_str!({:?})),\n", compact.display().to_string()));
    }
    list.push_str("];\n");
    // Their ids in curriculum order, so that progress is counted without parsing them.
    ids.sort();
    list.push_str("/// Every lesson's id, in curriculum order (`order`, then file name).\npub const LESSON_IDS: &[&str] = &[\n");
    for (_, _, id) in &ids {
        list.push_str(&format!("    {id:?},\n"));
    }
    list.push_str("];\n");
    std::fs::write(out_dir.join("lessons.rs"), list)?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    for l in LOCALES {
        println!("cargo::rerun-if-changed=locales/{l}.json");
    }
    let reference = keys(LOCALES[0])?;
    for l in &LOCALES[1..] {
        let other = keys(l)?;
        let missing: Vec<_> = reference.difference(&other).collect();
        let extra: Vec<_> = other.difference(&reference).collect();
        if !missing.is_empty() || !extra.is_empty() {
            return Err(format!("locales/{l}.json: missing keys {missing:?}, keys not in en.json {extra:?}").into());
        }
    }

    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR not set")?);
    embed_lessons(&out_dir)?;
    let out = out_dir.join("i18n");
    let options = ParseOptions::new().interpolate_display(true);
    let cfg = Config::new(LOCALES[0])?.add_locale(LOCALES[1])?.parse_options(options);
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(out)?;
    Ok(())
}
