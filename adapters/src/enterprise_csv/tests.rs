use super::*;

fn lines(text: &str) -> Vec<Result<ImportRecord, LineError>> {
    read(text.as_bytes()).unwrap().collect()
}

#[test]
fn records_carry_their_line_and_columns_by_name() {
    let text = "\u{feff}name,credit_code,legal_representative,phone,email,region_code,address,categories\n\
                企业1,91410102000000011X,张三,0371-1,a@b.cn,410102,\"郑州市, 金水路\",food;drugs\n\
                \n\
                企业2,X,李四,1,b@c.cn,410102,addr,food\n";
    let got = lines(text);
    assert_eq!(got.len(), 2);
    let first = got[0].as_ref().unwrap();
    assert_eq!(first.line, 2);
    assert_eq!(first.name, "企业1");
    assert_eq!(first.address, "郑州市, 金水路");
    assert_eq!(first.categories, "food;drugs");
    assert_eq!(first.licence_type, "");
    assert_eq!(got[1].as_ref().unwrap().line, 4, "{got:?}");
    // CRLF, a quoted field over two lines, blank lines, no final newline.
    let text = "credit_code,name,legal_representative,phone,email,region_code,address,categories\r\n\r\n\
                a,\"two\nlines\",c,d,e,f,g,h\r\n\r\n\r\n\
                i,j,k,l,m,n,o,p";
    let got: Vec<u64> = lines(text).into_iter().map(|r| r.unwrap().line).collect();
    assert_eq!(got, [3, 7]);
}

#[test]
fn bad_headers_and_lines_are_named() {
    let error = read("credit_code,nom\n".as_bytes()).unwrap_err();
    assert_eq!(error.column, "nom");
    let error = read("credit_code,name\n".as_bytes()).unwrap_err();
    assert_eq!(error.column, "legal_representative");
    let error = read("credit_code,credit_code\n".as_bytes()).unwrap_err();
    assert_eq!(error.column, "credit_code");
    let header =
        "credit_code,name,legal_representative,phone,email,region_code,address,categories\n";
    let got = lines(&format!("{header}a,b\nc,d,e,f,g,h,i,j\n"));
    assert_eq!(got[0].as_ref().unwrap_err().line, 2);
    assert_eq!(got[0].as_ref().unwrap_err().error, "invalid_csv");
    assert_eq!(got[1].as_ref().unwrap().line, 3);
    let mut latin1 = header.as_bytes().to_vec();
    latin1.extend_from_slice(b"a,\xe9,c,d,e,f,g,h\n");
    let got: Vec<_> = read(latin1.as_slice()).unwrap().collect();
    let error = got[0].as_ref().unwrap_err();
    assert_eq!(
        (error.line, error.column.as_str(), error.error.as_str()),
        (2, "name", "invalid_encoding")
    );
}

#[test]
fn what_the_hub_writes_it_reads_back() {
    use registry::regions::Country;
    use registry::synthetic::Synthetic;
    let records: Vec<ImportRecord> = Synthetic::new(Country::Cn, 1).take(50).collect();
    let mut file = Vec::new();
    assert_eq!(
        reports::enterprise_csv::write(records.clone(), &mut file).unwrap(),
        50
    );
    let back: Vec<ImportRecord> = read(file.as_slice()).unwrap().map(Result::unwrap).collect();
    assert_eq!(back, records);
}
