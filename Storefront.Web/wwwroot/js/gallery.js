// Thumbnails swap the main picture; without script they open the full image.
document.querySelectorAll('a[data-gallery]').forEach(function (link) {
  link.addEventListener('click', function (e) {
    var main = document.getElementById('main-image');
    var img = link.querySelector('img');
    if (!main || !img) return;
    e.preventDefault();
    main.src = link.getAttribute('href');
    main.alt = img.alt;
  });
});
