using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace NetCompiler.Generator.Shared
{
    /// <summary>
    /// The .NET APIs newer than netstandard2.0 that the shared runtime readers call, for the generator's
    /// build of them. Static members are C# 14 extension members, so <c>BinaryPrimitives.ReadSingleLittleEndian(…)</c>
    /// in a shared file binds to the framework's method in the runtime library and to these in the generator.
    /// Each one behaves as the framework's does for the way the shared code uses it.
    /// </summary>
    internal static class RuntimePolyfills
    {
        extension(BinaryPrimitives)
        {
            public static float ReadSingleLittleEndian(ReadOnlySpan<byte> source)
            {
                Span<byte> bytes = stackalloc byte[sizeof(float)];
                source.Slice(0, sizeof(float)).CopyTo(bytes);
                if (!BitConverter.IsLittleEndian)
                {
                    bytes.Reverse();
                }

                return MemoryMarshal.Read<float>(bytes);
            }

            public static double ReadDoubleLittleEndian(ReadOnlySpan<byte> source)
            {
                Span<byte> bytes = stackalloc byte[sizeof(double)];
                source.Slice(0, sizeof(double)).CopyTo(bytes);
                if (!BitConverter.IsLittleEndian)
                {
                    bytes.Reverse();
                }

                return MemoryMarshal.Read<double>(bytes);
            }

            public static void WriteSingleLittleEndian(Span<byte> destination, float value)
            {
                MemoryMarshal.Write(destination, ref value);
                if (!BitConverter.IsLittleEndian)
                {
                    destination.Slice(0, sizeof(float)).Reverse();
                }
            }

            public static void WriteDoubleLittleEndian(Span<byte> destination, double value)
            {
                MemoryMarshal.Write(destination, ref value);
                if (!BitConverter.IsLittleEndian)
                {
                    destination.Slice(0, sizeof(double)).Reverse();
                }
            }

            public static void ReverseEndianness(ReadOnlySpan<int> source, Span<int> destination)
            {
                for (int i = 0; i < source.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReverseEndianness(source[i]);
                }
            }

            public static void ReverseEndianness(ReadOnlySpan<long> source, Span<long> destination)
            {
                for (int i = 0; i < source.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReverseEndianness(source[i]);
                }
            }
        }

        extension(GC)
        {
            public static T[] AllocateUninitializedArray<T>(int length, bool pinned = false) => new T[length];
        }

        extension(Enum)
        {
            public static bool IsDefined<TEnum>(TEnum value)
                where TEnum : struct, Enum => Enum.IsDefined(typeof(TEnum), value);

            public static TEnum[] GetValues<TEnum>()
                where TEnum : struct, Enum => (TEnum[])Enum.GetValues(typeof(TEnum));
        }

        extension(Stream stream)
        {
            public int ReadAtLeast(Span<byte> buffer, int minimumBytes, bool throwOnEndOfStream = true)
            {
                byte[] rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
                try
                {
                    int total = 0;
                    while (total < minimumBytes)
                    {
                        int read = stream.Read(rented, total, buffer.Length - total);
                        if (read == 0)
                        {
                            if (throwOnEndOfStream)
                            {
                                throw new EndOfStreamException();
                            }

                            break;
                        }

                        total += read;
                    }

                    rented.AsSpan(0, total).CopyTo(buffer);
                    return total;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }

            public int Read(Span<byte> buffer)
            {
                byte[] rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
                try
                {
                    int read = stream.Read(rented, 0, buffer.Length);
                    rented.AsSpan(0, read).CopyTo(buffer);
                    return read;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }

            public void Write(ReadOnlySpan<byte> buffer)
            {
                byte[] rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
                try
                {
                    buffer.CopyTo(rented);
                    stream.Write(rented, 0, buffer.Length);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }

        extension(Encoding encoding)
        {
            public string GetString(ReadOnlySpan<byte> bytes) => encoding.GetString(bytes.ToArray());
        }

        extension<T>(List<T> list)
        {
            public int EnsureCapacity(int capacity)
            {
                if (list.Capacity < capacity)
                {
                    list.Capacity = capacity;
                }

                return list.Capacity;
            }

            public void AddRange(ReadOnlySpan<T> values)
            {
                foreach (var value in values)
                {
                    list.Add(value);
                }
            }
        }

        extension<T>(Queue<T> queue)
        {
            public bool TryDequeue(out T result)
            {
                if (queue.Count == 0)
                {
                    result = default!;
                    return false;
                }

                result = queue.Dequeue();
                return true;
            }
        }
    }
}

namespace System.Runtime.InteropServices
{
    /// <summary>netstandard2.0 has no CollectionsMarshal; the shared ONNX writer only reads the span, so a copy serves.</summary>
    internal static class CollectionsMarshal
    {
        public static Span<T> AsSpan<T>(List<T>? list) => list is null ? default : list.ToArray();
    }
}

namespace System
{
    // Index and Range let the shared files use ^1 and a..b (the compiler needs the types; they are in
    // netstandard2.1, not 2.0). Code that sees the generator's internals should not name them explicitly.

    /// <summary>An index from the start or from the end of a sequence, as netstandard2.1's System.Index.</summary>
    internal readonly struct Index : IEquatable<Index>
    {
        private readonly int _value;

        public Index(int value, bool fromEnd = false)
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), "The index must not be negative.");
            }

            _value = fromEnd ? ~value : value;
        }

        public static Index Start => new(0);

        public static Index End => new(0, fromEnd: true);

        public int Value => _value < 0 ? ~_value : _value;

        public bool IsFromEnd => _value < 0;

        public static implicit operator Index(int value) => new(value);

        public static Index FromStart(int value) => new(value);

        public static Index FromEnd(int value) => new(value, fromEnd: true);

        public int GetOffset(int length) => IsFromEnd ? length - Value : Value;

        public bool Equals(Index other) => _value == other._value;

        public override bool Equals(object? obj) => obj is Index other && Equals(other);

        public override int GetHashCode() => _value;
    }

    /// <summary>A range of a sequence, as netstandard2.1's System.Range.</summary>
    internal readonly struct Range : IEquatable<Range>
    {
        public Range(Index start, Index end)
        {
            Start = start;
            End = end;
        }

        public static Range All => new(Index.Start, Index.End);

        public Index Start { get; }

        public Index End { get; }

        public static Range StartAt(Index start) => new(start, Index.End);

        public static Range EndAt(Index end) => new(Index.Start, end);

        public (int Offset, int Length) GetOffsetAndLength(int length)
        {
            int start = Start.GetOffset(length);
            int end = End.GetOffset(length);
            if ((uint)end > (uint)length || (uint)start > (uint)end)
            {
                throw new ArgumentOutOfRangeException(nameof(length));
            }

            return (start, end - start);
        }

        public bool Equals(Range other) => Start.Equals(other.Start) && End.Equals(other.End);

        public override bool Equals(object? obj) => obj is Range other && Equals(other);

        public override int GetHashCode() => (Start.GetHashCode() * 31) + End.GetHashCode();
    }
}
