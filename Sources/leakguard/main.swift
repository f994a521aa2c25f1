import LeakguardCLI

// The scanner without network code: `--validate` hands the command line to leakguard-validate.
LeakguardMain.run(validator: nil)
