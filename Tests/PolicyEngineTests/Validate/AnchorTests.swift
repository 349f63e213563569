import Testing

@testable import PolicyEngine

/// Anchor keys as Kyverno's `^([+<=X^])?\((.+)\)$` reads them (after trimming surrounding whitespace).
struct AnchorTests {
    @Test(arguments: [
        ("(name)", Anchor.Modifier.condition, "name"),
        ("<(image)", .global, "image"),
        ("X(hostPath)", .negation, "hostPath"),
        ("+(team)", .addIfNotPresent, "team"),
        ("=(imagePullPolicy)", .equality, "imagePullPolicy"),
        ("^(containers)", .existence, "containers"),
        ("  (spaced)\t", .condition, "spaced"),
        ("((nested))", .condition, "(nested)"),
        ("(a b)", .condition, "a b"),
        ("(ключ)", .condition, "ключ"),
    ])
    func parsesAnchors(text: String, modifier: Anchor.Modifier, key: String) {
        #expect(Anchor(text) == Anchor(modifier: modifier, key: key))
    }

    @Test(arguments: ["name", "()", "X()", "Y(name)", "(name", "name)", "(name)x", "", " ", "<name>", "=("])
    func rejectsPlainKeys(text: String) {
        #expect(Anchor(text) == nil)
    }

    @Test func removesAnchorsFromPaths() {
        #expect(
            Anchor.removingAnchors(fromPath: "/spec/=(containers)/0/X(securityContext)")
                == "/spec/containers/0/securityContext")
    }
}
