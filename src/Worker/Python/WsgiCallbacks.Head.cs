// start_response's checks: status and headers must be str (PEP 3333 native strings, i.e. latin-1)
// and must not smuggle control characters (CR/LF would split the response: header injection).
// A bad head is the app's error: a Python exception the gateway turns into a 500.

using System.Text;
using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Python;

internal static unsafe partial class WsgiCallbacks
{
    private static bool StartHead(RequestState st, PyObj status, PyObj headers)
    {
        if (!TryLatin1(st, status, "status", out var statusBytes)) return false;
        if (!IsValidStatus(statusBytes))
        {
            Raise(Py.PyExc_ValueError, $"invalid status {Encoding.Latin1.GetString(statusBytes)!.Trim()}: expected e.g. \"200 OK\"");
            return false;
        }
        bool isList = Py.PyList_Check(headers);
        if (!isList && !Py.PyTuple_Check(headers))
        {
            Raise(Py.PyExc_TypeError, $"response_headers must be a list, not {TypeName(headers)}");
            return false;
        }
        var response = st.Ctx!.Response;
        response.Start(statusBytes);
        nint n = isList ? Py.PyList_Size(headers) : Py.PyTuple_Size(headers);
        for (nint i = 0; i < n; i++)
        {
            PyObj item = isList ? Py.PyList_GetItem(headers, i) : Py.PyTuple_GetItem(headers, i);
            if (!AddHeader(st, item)) return false;
        }
        return true;
    }

    private static bool AddHeader(RequestState st, PyObj item)
    {
        if (!Py.PyTuple_Check(item) || Py.PyTuple_Size(item) != 2)
        {
            Raise(Py.PyExc_TypeError, $"each response header must be a (name, value) tuple, not {TypeName(item)}");
            return false;
        }
        if (!TryLatin1(st, Py.PyTuple_GetItem(item, 0), "header name", out var name)) return false;
        if (!IsValidName(name))
        {
            Raise(Py.PyExc_ValueError, $"invalid header name {Quoted(name)}");
            return false;
        }
        // A valid name is ASCII, so it points into the str object, not into the scratch buffer
        // the value may use.
        ReadOnlySpan<byte> nameBytes = name;
        if (!TryLatin1(st, Py.PyTuple_GetItem(item, 1), "header value", out var value)) return false;
        if (!IsValidValue(value))
        {
            Raise(Py.PyExc_ValueError, $"header {Quoted(nameBytes)} has a control character in its value {Quoted(value)}");
            return false;
        }
        st.Ctx!.Response.AddHeader(nameBytes, value);
        return true;
    }

    /// <summary>
    /// The latin-1 bytes of a str. ASCII (nearly always) is read in place from CPython's UTF-8 cache;
    /// other text is transcoded into the thread's scratch buffer and must fit latin-1.
    /// </summary>
    private static bool TryLatin1(RequestState st, PyObj o, string what, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (!Py.PyUnicode_Check(o))
        {
            Raise(Py.PyExc_TypeError, $"{what} must be str, not {TypeName(o)}");
            return false;
        }
        nint len;
        byte* p = Py.PyUnicode_AsUTF8AndSize(o, &len);
        if (p == null) return false;
        var utf8 = new ReadOnlySpan<byte>(p, (int)len);
        if (Ascii.IsValid(utf8))
        {
            bytes = utf8;
            return true;
        }
        if (st.CharScratch.Length < utf8.Length) st.CharScratch = new char[utf8.Length * 2];
        int chars = Encoding.UTF8.GetChars(utf8, st.CharScratch);
        if (st.Latin1Scratch.Length < chars) st.Latin1Scratch = new byte[chars * 2];
        for (int i = 0; i < chars; i++)
        {
            char c = st.CharScratch[i];
            if (c > 0xFF)
            {
                Raise(Py.PyExc_ValueError, $"{what} {Encoding.UTF8.GetString(utf8)} is not latin-1 (PEP 3333: encode as latin-1 native strings)");
                return false;
            }
            st.Latin1Scratch[i] = (byte)c;
        }
        bytes = st.Latin1Scratch.AsSpan(0, chars);
        return true;
    }

    private static bool IsValidStatus(ReadOnlySpan<byte> s)
        => s.Length >= 3 && char.IsAsciiDigit((char)s[0]) && char.IsAsciiDigit((char)s[1]) && char.IsAsciiDigit((char)s[2])
           && (s.Length == 3 || s[3] == (byte)' ') && IsValidValue(s);

    private static bool IsValidName(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty) return false;
        foreach (byte b in s)
            if (b <= 0x20 || b >= 0x7F || b == (byte)':') return false;
        return true;
    }

    private static bool IsValidValue(ReadOnlySpan<byte> s)
    {
        foreach (byte b in s)
            if ((b < 0x20 && b != (byte)'\t') || b == 0x7F) return false;
        return true;
    }

    private static string Quoted(ReadOnlySpan<byte> s)
    {
        var sb = new StringBuilder("'");
        foreach (byte b in s) sb.Append(b is < 0x20 or 0x7F ? $"\\x{b:x2}" : ((char)b).ToString());
        return sb.Append('\'').ToString();
    }
}
