//! Every lesson in `lessons/` is checked: text in every locale, the starting scenario
//! shows the problem it teaches and misses the goal, the solution meets the goal.

use ackademy_engine::lesson;
use std::path::Path;

fn lesson_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("lessons/ exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_lesson_shows_its_problem_and_its_solution_meets_the_goal() {
    let files = lesson_files();
    let mut failures = Vec::new();
    let mut ids = Vec::new();
    let mut orders = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("readable");
        match lesson::parse_lesson(&text) {
            Ok(l) => {
                ids.push(l.id.clone());
                orders.push(l.order);
                if let Err(e) = lesson::check(&l) {
                    failures.push(e);
                }
            }
            Err(e) => failures.push(format!("{}: {e}", f.display())),
        }
    }
    assert!(failures.is_empty(), "{} lesson(s) failed:\n{}", failures.len(), failures.join("\n"));
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "lesson ids are unique");
    let mut o = orders.clone();
    o.sort();
    o.dedup();
    assert_eq!(o.len(), orders.len(), "lesson orders are unique");
}
