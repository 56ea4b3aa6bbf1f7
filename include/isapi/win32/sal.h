/*
 * sal.h - Microsoft's source-code annotation language (SAL 1 and 2) and the parameter markers
 * of older SDK prototypes, all empty: they only inform MSVC's /analyze, and an extension
 * compiled here never runs it.  Each is defined only when the source has not defined it, so a
 * header that brings its own (empty) definitions keeps working.
 */
#ifndef ISAPI_WIN32_SAL_H
#define ISAPI_WIN32_SAL_H

/* Pre-SAL markers of the Windows SDK (minwindef.h / ntdef.h), and the 16-bit pointer words. */
#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif
#ifndef far
#define far
#endif
#ifndef near
#define near
#endif
#ifndef UNALIGNED
#define UNALIGNED
#endif
#ifndef RESTRICTED_POINTER
#define RESTRICTED_POINTER
#endif

/* SAL 2 (function parameters and results). */
#ifndef _In_
#define _In_
#define _In_opt_
#define _In_z_
#define _In_opt_z_
#define _In_reads_(size)
#define _In_reads_opt_(size)
#define _In_reads_bytes_(size)
#define _In_reads_bytes_opt_(size)
#define _In_reads_z_(size)
#define _In_range_(low, high)
#define _Out_
#define _Out_opt_
#define _Out_writes_(size)
#define _Out_writes_opt_(size)
#define _Out_writes_z_(size)
#define _Out_writes_opt_z_(size)
#define _Out_writes_bytes_(size)
#define _Out_writes_bytes_opt_(size)
#define _Out_writes_to_(size, count)
#define _Out_writes_to_opt_(size, count)
#define _Out_writes_bytes_to_(size, count)
#define _Out_writes_bytes_to_opt_(size, count)
#define _Out_writes_all_(size)
#define _Out_writes_bytes_all_(size)
#define _Out_range_(low, high)
#define _Inout_
#define _Inout_opt_
#define _Inout_z_
#define _Inout_updates_(size)
#define _Inout_updates_opt_(size)
#define _Inout_updates_z_(size)
#define _Inout_updates_bytes_(size)
#define _Inout_updates_bytes_opt_(size)
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_opt_result_maybenull_
#define _Outptr_result_buffer_(size)
#define _Outptr_result_bytebuffer_(size)
#define _COM_Outptr_
#define _Deref_out_
#define _Deref_out_opt_
#define _Ret_
#define _Ret_z_
#define _Ret_maybenull_
#define _Ret_maybenull_z_
#define _Ret_notnull_
#define _Ret_null_
#define _Ret_opt_
#define _Ret_writes_(size)
#define _Ret_writes_z_(size)
#define _Ret_writes_bytes_(size)
#define _Ret_writes_maybenull_(size)
#define _Ret_range_(low, high)
#define _Result_nullonfailure_
#define _Result_zeroonfailure_
#define _Success_(expression)
#define _Return_type_success_(expression)
#define _Check_return_
#define _Must_inspect_result_
#define _Use_decl_annotations_
#define _Printf_format_string_
#define _Scanf_format_string_
#define _Format_string_impl_(kind, where)
#define _Reserved_
#define _Pre_
#define _Post_
#define _Pre_z_
#define _Post_z_
#define _Pre_notnull_
#define _Pre_maybenull_
#define _Post_invalid_
#define _Post_ptr_invalid_
#define _Post_writable_byte_size_(size)
#define _Null_terminated_
#define _NullNull_terminated_
#define _Field_size_(size)
#define _Field_size_opt_(size)
#define _Field_size_bytes_(size)
#define _Field_size_bytes_opt_(size)
#define _Field_size_part_(size, count)
#define _Field_z_
#define _Field_range_(low, high)
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _When_(condition, annotations)
#define _Always_(annotations)
#define _At_(target, annotations)
#define _Acquires_lock_(lock)
#define _Releases_lock_(lock)
#define _Requires_lock_held_(lock)
#define _Guarded_by_(lock)
#define _Analysis_assume_(expression)
#define _Struct_size_bytes_(size)
#define _Notnull_
#define _Maybenull_
#define _Inexpressible_(text)
#define _Kernel_entry_
#define _IRQL_requires_max_(level)
#endif /* _In_ */

/* SAL 1 (__in, __out, __inout...) is not defined: those names are reserved identifiers that
 * libstdc++ uses for its own parameters (<algorithm>, <istream>), so defining them empty would
 * break every C++ source that includes a standard header after <windows.h>.  Source that
 * still uses them can add `#define __in` and friends in a C file that includes no C++ header. */

#endif /* ISAPI_WIN32_SAL_H */
