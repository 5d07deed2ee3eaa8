fn main() -> std::process::ExitCode {
    cuestudio::cli::main()
}
