/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held. For states a
/// server reaches asynchronously (a watch registered, a listener closed) on a loaded machine.
func eventually(timeout: Duration = .seconds(10), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}
