// Overview
// Writes JSON the way uWSGI 2.0.21's stats server does, so tools that grew up parsing its output
// (uwsgitop, exporters, ad-hoc scripts with regexes) keep working. Pretty form:
// tab indentation, `"key":value` without a space, a container always opens with a newline and
// closes with newline + indent, so an empty one holds a blank line; an object that is the value of
// a key is indented again after the colon (`"req_info":\t\t\t\t\t{`); raw list items (`vars`) are
// not indented; no trailing newline. Minified form: the same tokens without any whitespace.

using System.Globalization;
using System.Text;

namespace DotnetWsgi.Manager.Observability;

public sealed class StatsJsonWriter(bool minified)
{
    private readonly StringBuilder _sb = new();
    private readonly Stack<bool> _isFirst = new();
    private int _depth;

    public override string ToString() => _sb.ToString();

    /// <summary>Opens the root object, an object item of a list (key null), or an object-valued key.</summary>
    public void OpenObject(string? key = null)
    {
        BeginItem();
        if (key is not null)
        {
            Key(key);
            Indent();
        }
        _sb.Append('{');
        Open();
    }

    public void CloseObject() => Close('}');

    public void OpenList(string key)
    {
        BeginItem();
        Key(key);
        _sb.Append('[');
        Open();
    }

    public void CloseList() => Close(']');

    /// <summary>A list of objects under key, one an item, each item's fields written by fields.</summary>
    public void ObjectList<T>(string key, IEnumerable<T> items, Action<T> fields)
    {
        OpenList(key);
        foreach (var item in items)
        {
            OpenObject();
            fields(item);
            CloseObject();
        }
        CloseList();
    }

    public void Value(string key, long value)
    {
        BeginItem();
        Key(key);
        _sb.Append(value.ToString(CultureInfo.InvariantCulture));
    }

    public void Value(string key, string value)
    {
        BeginItem();
        Key(key);
        AppendString(value);
    }

    /// <summary>A bare string list item, written without indentation (uWSGI's `vars`).</summary>
    public void RawItem(string value)
    {
        Separate();
        AppendString(value);
    }

    private void BeginItem()
    {
        Separate();
        Indent();
    }

    private void Separate()
    {
        if (_isFirst.Count == 0) return;
        if (!_isFirst.Pop()) _sb.Append(minified ? "," : ",\n");
        _isFirst.Push(false);
    }

    private void Open()
    {
        if (!minified) _sb.Append('\n');
        _isFirst.Push(true);
        _depth++;
    }

    private void Close(char bracket)
    {
        if (_isFirst.Count == 0) throw new InvalidOperationException("nothing open to close");
        _isFirst.Pop();
        _depth--;
        if (!minified) _sb.Append('\n');
        Indent();
        _sb.Append(bracket);
    }

    private void Key(string key)
    {
        AppendString(key);
        _sb.Append(':');
    }

    private void Indent()
    {
        if (!minified) _sb.Append('\t', _depth);
    }

    private void AppendString(string s)
    {
        _sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': _sb.Append("\\\""); break;
                case '\\': _sb.Append("\\\\"); break;
                case '\n': _sb.Append("\\n"); break;
                case '\r': _sb.Append("\\r"); break;
                case '\t': _sb.Append("\\t"); break;
                case < ' ': _sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: _sb.Append(c); break;
            }
        }
        _sb.Append('"');
    }
}
