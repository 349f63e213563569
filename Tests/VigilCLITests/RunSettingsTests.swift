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
}
