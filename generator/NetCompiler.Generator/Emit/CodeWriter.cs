using System;
using System.Text;

namespace NetCompiler.Generator.Emit;

/// <summary>
/// A small indented text writer. <see cref="Block"/> writes braces and indents what is written
/// inside the returned scope. Lines always end in '\n' so output is identical on every OS.
/// </summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public void Line(string text = "")
    {
        if (text.Length > 0)
        {
            _text.Append(' ', _indent * 4).Append(text);
        }

        _text.Append('\n');
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the scope is disposed.</summary>
    public Scope Block(string header)
    {
        Line(header);
        Line("{");
        _indent++;
        return new Scope(this);
    }

    /// <summary>Writes a <c>/// &lt;summary&gt;</c> comment.</summary>
    public void Summary(string text)
    {
        Line("/// <summary>" + text + "</summary>");
    }

    public override string ToString() => _text.ToString();

    internal readonly struct Scope : IDisposable
    {
        private readonly CodeWriter _writer;

        public Scope(CodeWriter writer) => _writer = writer;

        public void Dispose()
        {
            _writer._indent--;
            _writer.Line("}");
        }
    }
}
