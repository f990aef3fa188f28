use std::path::PathBuf;
fn files(dir: &PathBuf, ext: &[&str], out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, ext, out)
        } else if ext.iter().any(|x| p.extension().is_some_and(|e| e == *x)) {
            out.push(p)
        }
    }
}
#[test]
fn probe() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/epcis");
    let mut v = Vec::new();
    files(&root, &["xml"], &mut v);
    v.sort();
    for p in v {
        let b = std::fs::read(&p).unwrap();
        let r = adapters::epcis::xml::parse_xml(&b);
        let rel = p.strip_prefix(&root).unwrap().display().to_string();
        match r {
            Ok(d) => println!("OK {} {}", d.events.len(), rel),
            Err(e) => println!("ERR {rel}: {e}"),
        }
    }
}
