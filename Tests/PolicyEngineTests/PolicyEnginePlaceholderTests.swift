import PolicyEngine
import Testing
