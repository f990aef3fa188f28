//! `hub`: see `hub --help`.

fn main() -> std::process::ExitCode {
    hub::cli::main()
}
