namespace DotnetWsgi.Config.Options;

public static partial class OptionCatalogue
{
    /// <summary>Directives read while collecting sources; they never reach ServerOptions.</summary>
    public const string Include = "ini", SetPlaceholder = "set-placeholder", Set = "set", Get = "get";

    private static OptionRow[] ConfigRows => InGroup("Configuration",
        new OptionRow(Include, OptionKind.Directive, "", "load an ini file (optionally one section) at this point", Repeatable: true),
        new OptionRow(SetPlaceholder, OptionKind.Directive, "", "define a placeholder for %(NAME)", Aliases: ["set-ph"], Repeatable: true),
        new OptionRow(Set, OptionKind.Directive, "", "set an option, or a placeholder when NAME is not an option", Short: 'S', Repeatable: true),
        new OptionRow(Get, OptionKind.Directive, "", "print the first value of an option or placeholder, then exit", Repeatable: true),
        Builtin("strict", OptionKind.Flag, "fail on unknown options", "unknown keys close to an option are always errors in dotnetwsgi (others are custom options)"),
        Rejected("if-env", OptionKind.Text, "conditional block", "logic blocks are not supported"),
        Rejected("if-exists", OptionKind.Text, "conditional block", "logic blocks are not supported"),
        Rejected("if-file", OptionKind.Text, "conditional block", "logic blocks are not supported"),
        Rejected("for", OptionKind.Text, "loop block", "logic blocks are not supported"),
        Rejected("declare-option", OptionKind.Text, "declare a custom option", "custom options are not supported; use set-placeholder"),
        Rejected("yaml", OptionKind.Path, "load a YAML file", "only ini configuration is supported"),
        Rejected("json", OptionKind.Path, "load a JSON file", "only ini configuration is supported"),
        Rejected("xml", OptionKind.Path, "load an XML file", "only ini configuration is supported"));
}
