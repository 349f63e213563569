import Testing

/// `vigil run` refuses bad settings before it touches a cluster, naming the option.
struct RunSettingsTests {
    @Test(arguments: ["1x", "-1h", "0s", "h"])
    func badScanIntervalIsRefused(_ interval: String) throws {
        let output = try VigilProcess.run([
            "run", "--background-scan-interval", interval, "--kubeconfig", "/nonexistent",
        ])
        #expect(output.status != 0)
        #expect(output.stderr.contains("--background-scan-interval"), "\(output.stderr)")
    }

    @Test func goDurationsAreAccepted() throws {
        // A valid interval gets past the settings: the failure is then the missing kubeconfig.
        let output = try VigilProcess.run([
            "run", "--background-scan-interval", "1h30m", "--kubeconfig", "/nonexistent",
        ])
        #expect(output.status != 0)
        #expect(!output.stderr.contains("--background-scan-interval"), "\(output.stderr)")
        #expect(output.stderr.contains("/nonexistent"), "\(output.stderr)")
    }

    @Test(arguments: [["--shutdown-grace-period", "0s"], ["--shutdown-grace-period", "ten"]])
    func badShutdownGracePeriodIsRefused(_ arguments: [String]) throws {
        let output = try VigilProcess.run(["run", "--kubeconfig", "/nonexistent"] + arguments)
        #expect(output.status != 0)
        #expect(output.stderr.contains("--shutdown-grace-period"), "\(output.stderr)")
    }

    @Test func shutdownGracePeriodFallsBackToTheEnvironment() throws {
        let output = try VigilProcess.run(
            ["run", "--kubeconfig", "/nonexistent"], environment: ["VIGIL_SHUTDOWN_GRACE_PERIOD": "-5s"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("--shutdown-grace-period"), "\(output.stderr)")
        let valid = try VigilProcess.run(
            ["run", "--kubeconfig", "/nonexistent"], environment: ["VIGIL_SHUTDOWN_GRACE_PERIOD": "1m30s"])
        #expect(!valid.stderr.contains("--shutdown-grace-period"), "\(valid.stderr)")
        #expect(valid.stderr.contains("/nonexistent"), "\(valid.stderr)")
    }

    @Test func policyExceptionsNeedAnExceptionNamespace() throws {
        let output = try VigilProcess.run(["run", "--kubeconfig", "/nonexistent", "--enable-policy-exception"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("--exception-namespace"), "\(output.stderr)")
        let fromEnvironment = try VigilProcess.run(
            ["run", "--kubeconfig", "/nonexistent"], environment: ["VIGIL_ENABLE_POLICY_EXCEPTION": "true"])
        #expect(fromEnvironment.stderr.contains("--exception-namespace"), "\(fromEnvironment.stderr)")
        let badFlag = try VigilProcess.run(
            ["run", "--kubeconfig", "/nonexistent"], environment: ["VIGIL_ENABLE_POLICY_EXCEPTION": "yes please"])
        #expect(badFlag.stderr.contains("VIGIL_ENABLE_POLICY_EXCEPTION"), "\(badFlag.stderr)")
        let valid = try VigilProcess.run(
            ["run", "--kubeconfig", "/nonexistent", "--enable-policy-exception", "--exception-namespace", "*"])
        #expect(!valid.stderr.contains("--exception-namespace"), "\(valid.stderr)")
        #expect(valid.stderr.contains("/nonexistent"), "\(valid.stderr)")
    }
}
