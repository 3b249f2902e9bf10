/// The parsed form of Lantern's text/template subset.
indirect enum TemplateNode {
    case text(String)
    case output(Pipeline)
    case conditional(Pipeline, then: [TemplateNode], otherwise: [TemplateNode])
    /// `with` is `if` that also sets dot.
    case with(Pipeline, then: [TemplateNode], otherwise: [TemplateNode])
    case range(Pipeline, body: [TemplateNode], otherwise: [TemplateNode])
}

struct Pipeline {
    var line: Int
    /// `$x := ...` declares, `$x = ...` assigns; `range $k, $v := ...` declares two.
    var variables: [String] = []
    var isDeclaration = true
    var commands: [[Operand]] = []
}

indirect enum Operand {
    case dot(fields: [String])
    case variable(String, fields: [String])
    case function(String)
    case literal(TemplateValue)
    case parenthesized(Pipeline, fields: [String])
}
