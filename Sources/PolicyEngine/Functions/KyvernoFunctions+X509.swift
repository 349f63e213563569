import JMESPath
import JSONValue

extension KyvernoFunctions {
    static var x509Functions: [JMESPathFunction] { [] }
}
