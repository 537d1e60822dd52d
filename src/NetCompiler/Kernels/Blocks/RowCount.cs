using System.ComponentModel;

namespace NetCompiler.Kernels.Blocks;

/// <summary>
/// A number of rows known when the JIT compiles a generic method: generated code calls <c>RowTile.MultiplyAdd&lt;Rows12&gt;</c>,
/// and the JIT compiles one copy of the tile and its register blocks for 12 rows, with every row loop unrolled and the
/// rows past 12 removed. Called by generated code; not meant to be used directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IRowCount
{
    /// <summary>The number of rows.</summary>
    static abstract int Value { get; }
}

/// <summary>One row.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Rows1 : IRowCount
{
    /// <inheritdoc />
    public static int Value => 1;
}

/// <summary>Two rows.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Rows2 : IRowCount
{
    /// <inheritdoc />
    public static int Value => 2;
}

/// <summary>Three rows.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Rows3 : IRowCount
{
    /// <inheritdoc />
    public static int Value => 3;
}

/// <summary>Four rows.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Rows4 : IRowCount
{
    /// <inheritdoc />
    public static int Value => 4;
}

/// <summary>Five rows.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Rows5 : IRowCount
{
    /// <inheritdoc />
    public static int Value => 5;
}

/// <summary>Six rows: the height of a 64-column <see cref="Vector512Block"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Rows6 : IRowCount
{
    /// <inheritdoc />
    public static int Value => 6;
}

/// <summary>Twelve rows: the height of a full tile (<see cref="RowTile.FullRows"/>).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Rows12 : IRowCount
{
    /// <inheritdoc />
    public static int Value => 12;
}
